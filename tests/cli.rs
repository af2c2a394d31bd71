//! End-to-end tests of `handbook build` and `handbook init` on the real binary.

use crate::common;

use common::{handbook, site};
use predicates::prelude::*;
use predicates::str::contains;

fn read(dir: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn builds_a_folder_of_markdown_without_site_toml() {
    let dir = site(&[
        ("docs/index.md", "# Welcome\n\nSee [the guide](guide/).\n"),
        ("docs/guide.md", "---\ntitle: The guide\n---\n## Steps\n"),
        ("docs/a/b.html.md", "---\ntitle: Legacy\n---\nOld URL.\n"),
        ("docs/img/logo.svg", "<svg/>"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--content", "docs"])
        .assert()
        .success()
        .stderr(contains("Built 3 pages and 1 assets"));
    let out = dir.path().join("public");
    let home = read(&out, "index.html");
    assert!(
        home.contains("<h1 id=\"welcome\">Welcome</h1>")
            && home.matches("Welcome</h1>").count() == 1,
        "the first heading is the title, shown once"
    );
    assert!(read(&out, "guide/index.html").contains("id=\"steps\""));
    assert!(read(&out, "a/b.html").contains("Old URL."));
    assert_eq!(read(&out, "img/logo.svg"), "<svg/>");
    assert!(read(&out, "sitemap.xml").contains("<loc>http://localhost/guide/</loc>"));
    assert!(out.join("404.html").is_file());
    assert!(out.join("syntax.css").is_file());
}

#[test]
fn overrides_win_over_site_toml() {
    let dir = site(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://a.example\"\noutput_dir = \"out\"\n",
        ),
        ("content/index.md", "Home\n"),
        ("other/index.md", "Other home\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args([
            "build",
            "--content",
            "other",
            "--output",
            "dest",
            "--base-url",
            "https://b.example/docs/",
            "--quiet",
        ])
        .assert()
        .success()
        .stderr("");
    let html = read(&dir.path().join("dest"), "index.html");
    assert!(html.contains("Other home"));
    assert!(
        html.contains("https://b.example/docs/"),
        "canonical uses the base URL"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn invalid_front_matter_names_file_line_and_column_and_keeps_the_old_site() {
    let dir = site(&[
        ("content/index.md", "Home\n"),
        ("content/bad.md", "---\ntitle: ok\ntags: [a, b\n---\nBody\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(1)
        .stderr(
            contains("error: invalid YAML in front matter")
                .and(contains("--> bad.md:"))
                .and(contains("tags: [a, b")),
        );
    assert!(
        !dir.path().join("public").exists(),
        "nothing is written when the build fails"
    );

    // A good build, then a bad one: the good site stays.
    std::fs::write(
        dir.path().join("content/bad.md"),
        "---\ntitle: ok\n---\nGood\n",
    )
    .unwrap();
    handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    std::fs::write(
        dir.path().join("content/bad.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(1);
    assert!(read(&dir.path().join("public"), "bad/index.html").contains("Good"));

    // --keep-going writes the rest of the site and still fails.
    handbook()
        .current_dir(dir.path())
        .args(["build", "--keep-going"])
        .assert()
        .code(1);
    assert!(!dir.path().join("public/bad/index.html").exists());
    assert!(dir.path().join("public/index.html").exists());
}

#[test]
fn unclosed_front_matter_and_wrong_types_are_errors() {
    let dir = site(&[
        ("content/a.md", "---\ntitle: never closed\n\n# Body\n"),
        ("content/b.md", "---\ntitle: [a, b]\nweight: \"x\"\n---\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(1)
        .stderr(
            contains("--> a.md:1:1")
                .and(contains("never closed"))
                .and(contains("--> b.md:2:1"))
                .and(contains("`title` must be text, found a list"))
                .and(contains("--> b.md:3:1"))
                .and(contains("`weight` must be a whole number")),
        );
}

#[test]
fn duplicate_keys_warn_and_two_sources_for_one_url_are_an_error() {
    let dir = site(&[
        ("content/a.md", "---\ntitle: One\ntitle: Two\n---\n"),
        ("content/b/index.md", "B\n"),
        ("content/b.md", "B again\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(1)
        .stderr(
            contains("warning: duplicate front matter key `title`; the last one wins").and(
                contains("`b/index.md` and `b.md` both map to the URL /b/")
                    .or(contains("`b.md` and `b/index.md` both map to the URL /b/")),
            ),
        );
}

#[test]
fn bad_site_toml_is_a_usage_error_with_position() {
    let dir = site(&[
        ("site.toml", "title = \"x\"\ntitel = \"typo\"\n"),
        ("content/index.md", "x\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(2)
        .stderr(
            contains("--> ")
                .and(contains("site.toml:2:1"))
                .and(contains("unknown field `titel`")),
        );
    handbook()
        .args(["build", "--no-such-flag"])
        .assert()
        .code(2);
    handbook()
        .args(["build", "--content", "/no/such/folder"])
        .assert()
        .code(2)
        .stderr(contains("does not exist"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let dir = site(&[
        ("content/index.md", "Home\n"),
        ("content/wip.md", "---\ndraft: true\n---\nWIP\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    assert!(!dir.path().join("public/wip/index.html").exists());
    handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet", "--drafts"])
        .assert()
        .success();
    assert!(dir.path().join("public/wip/index.html").exists());
}

#[test]
fn layouts_pick_templates_and_sites_override_them() {
    let dir = site(&[
        (
            "content/index.md",
            "---\nlayout: handbook-page-toc\n---\n## One\n## Two\n",
        ),
        ("content/odd.md", "---\nlayout: no-such-layout\n---\nOdd\n"),
        ("content/custom.md", "---\nlayout: mine\n---\nMine\n"),
        (
            "templates/mine.html",
            "<html>CUSTOM {{ page.title }} {{ page.content | safe }}</html>",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .success()
        .stderr(contains("warning: unknown layout `no-such-layout`"));
    let out = dir.path().join("public");
    assert!(read(&out, "custom/index.html").starts_with("<html>CUSTOM Custom"));
    let toc_page = read(&out, "index.html");
    assert!(
        toc_page.contains("href=\"#one\""),
        "the TOC column lists headings"
    );
    assert!(read(&out, "odd/index.html").contains("Odd"));
}

#[test]
fn template_errors_name_the_template() {
    let dir = site(&[
        ("content/index.md", "x\n"),
        ("templates/page.html", "{{ page.title | no_such_filter }}"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .code(1)
        .stderr(contains("page.html").and(contains("no_such_filter")));
}

#[test]
fn erb_pages_build_with_one_warning_each() {
    let dir = site(&[(
        "content/tools.html.md.erb",
        "# Tools\n<% data.each do |t| %>\n- <%= t %>\n<% end %>\nDone.\n",
    )]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .success()
        .stderr(contains("warning: ERB tags are not executed").count(1));
    let html = read(&dir.path().join("public"), "tools.html");
    assert!(html.contains("Done.") && !html.contains("<%"));
}

#[test]
fn output_folder_safety() {
    let dir = site(&[("content/index.md", "x\n"), ("mine/notes.txt", "precious")]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "content"])
        .assert()
        .code(2)
        .stderr(contains("content folder"));
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "."])
        .assert()
        .code(2);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "mine"])
        .assert()
        .code(2)
        .stderr(contains("not made by handbook"));
    assert_eq!(read(dir.path(), "mine/notes.txt"), "precious");
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "mine", "--force", "--quiet"])
        .assert()
        .success();
    assert!(!dir.path().join("mine/notes.txt").exists());
}

#[test]
fn output_folder_is_never_the_root_the_home_folder_or_a_parent() {
    let dir = site(&[("site/content/index.md", "x\n")]);
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join("notes")).unwrap();
    let refuse = |output: &std::path::Path, why: &str| {
        handbook()
            .current_dir(dir.path().join("site"))
            .env("HOME", &home)
            .arg("build")
            .arg("--output")
            .arg(output)
            .arg("--force")
            .assert()
            .code(2)
            .stderr(contains(why));
    };
    refuse(std::path::Path::new("/"), "file system root");
    refuse(&home, "home folder");
    refuse(dir.path(), "home folder"); // a parent of it
    refuse(&dir.path().join("site"), "contains the content folder");
    refuse(std::path::Path::new(".."), "home folder");
    assert!(home.join("notes").is_dir(), "nothing was deleted");
    assert!(dir.path().join("site/content/index.md").is_file());
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let dir = site(&[("content/index.md", "Home\n"), ("content/a.md", "A\n")]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    let before = read(&dir.path().join("public"), "a/index.html");
    std::fs::write(
        dir.path().join("content/a.md"),
        "---\ntitle: [\n---\nA changed\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("content/b.md"), "B\n").unwrap();
    handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .code(1);
    assert_eq!(read(&dir.path().join("public"), "a/index.html"), before);
    assert!(
        !dir.path().join("public/b/index.html").exists(),
        "no half-written site"
    );
}

#[test]
fn unchanged_outputs_keep_their_modification_time() {
    let dir = site(&[("content/index.md", "Home\n"), ("content/a.md", "A\n")]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    let a = dir.path().join("public/a/index.html");
    let before = std::fs::metadata(&a).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(dir.path().join("content/index.md"), "Home changed\n").unwrap();
    handbook()
        .current_dir(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    assert_eq!(std::fs::metadata(&a).unwrap().modified().unwrap(), before);
    assert!(read(&dir.path().join("public"), "index.html").contains("Home changed"));
}

#[test]
fn non_utf8_and_binary_pages_are_reported_and_the_rest_builds_with_keep_going() {
    let dir = site(&[("content/index.md", "Home\n")]);
    std::fs::write(dir.path().join("content/latin1.md"), b"caf\xe9\n").unwrap();
    std::fs::write(dir.path().join("content/image.md"), b"\x89PNG\0\0").unwrap();
    handbook()
        .current_dir(dir.path())
        .args(["build", "--keep-going"])
        .assert()
        .code(1)
        .stderr(
            contains("--> latin1.md:1:4")
                .and(contains("not valid UTF-8"))
                .and(contains("binary file")),
        );
    assert!(dir.path().join("public/index.html").exists());
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("hb");
    handbook().arg("init").arg(&new).assert().success();
    assert!(new.join("site.toml").is_file());
    handbook()
        .arg("build")
        .arg("--root")
        .arg(&new)
        .arg("--quiet")
        .current_dir(&new)
        .assert()
        .success();
    assert!(new.join("public/index.html").is_file());
    handbook()
        .arg("init")
        .arg(&new)
        .assert()
        .code(2)
        .stderr(contains("not empty"));
}

#[test]
fn sample_handbook_builds() {
    let out = tempfile::tempdir().unwrap();
    handbook()
        .current_dir(common::project_root())
        .args(["build", "--quiet", "--output"])
        .arg(out.path().join("public"))
        .assert()
        .success();
    let html = read(&out.path().join("public"), "index.html");
    assert!(html.contains("Northwind"));
}

/// The subcommands `handbook --help` lists.
fn subcommands_in_help() -> Vec<String> {
    let help = handbook().arg("--help").output().expect("help");
    let text = String::from_utf8_lossy(&help.stdout).into_owned();
    let commands = text
        .split("Commands:")
        .nth(1)
        .and_then(|rest| rest.split("Options:").next())
        .expect("a Commands: section");
    commands
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_shows_every_subcommand() {
    let readme = std::fs::read_to_string(common::project_root().join("README.md")).expect("README");
    let commands = subcommands_in_help();
    assert!(commands.len() >= 5, "{commands:?}");
    let section = readme
        .split("## Command line")
        .nth(1)
        .expect("a Command line section");
    for command in &commands {
        assert!(
            section.contains(&format!("handbook {command} "))
                || section.contains(&format!("handbook {command}\n")),
            "the README's command line section does not show `handbook {command}`"
        );
    }
    let quick_start: String = readme.lines().take(20).collect::<Vec<_>>().join("\n");
    assert!(
        quick_start.contains("serve --open"),
        "the quick start shows serve"
    );
}

#[test]
fn init_and_build_say_how_to_preview() {
    let dir = tempfile::tempdir().expect("temp");
    let site = dir.path().join("hb");
    handbook()
        .arg("init")
        .arg(&site)
        .assert()
        .success()
        .stderr(predicates::str::contains("handbook serve --open"));
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "Preview it with `handbook serve --open`",
        ));
}

/// The test executables Cargo.toml declares (`[[test]]` names): with
/// `autotests = false`, these are the only `--test` names there are.
fn declared_test_targets() -> Vec<String> {
    let manifest =
        std::fs::read_to_string(common::project_root().join("Cargo.toml")).expect("Cargo.toml");
    let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
    manifest
        .get("test")
        .and_then(|tests| tests.as_array())
        .into_iter()
        .flatten()
        .filter_map(|test| test.get("name")?.as_str().map(str::to_string))
        .collect()
}

/// Every file of `tests/` runs: Cargo does not discover test files
/// (`autotests = false`), so each is either a `[[test]]` of its own or a
/// module of `tests/suite.rs`. A file that is neither would never run.
#[test]
fn every_test_file_is_part_of_a_test_executable() {
    let root = common::project_root();
    let suite = std::fs::read_to_string(root.join("tests/suite.rs")).expect("tests/suite.rs");
    let targets = declared_test_targets();
    assert!(targets.contains(&"suite".to_string()), "{targets:?}");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(root.join("tests")).expect("tests/") {
        let path = entry.expect("tests/ entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_module_folder = path.join("mod.rs").is_file();
        let is_rust_file = path.extension().is_some_and(|e| e == "rs");
        if !(is_module_folder || is_rust_file) || stem == "suite" {
            continue;
        }
        let in_suite = suite.lines().any(|line| {
            let line = line.trim();
            line == format!("mod {stem};") || line == format!("#[path = \"{stem}.rs\"]")
        });
        if !in_suite && !targets.iter().any(|target| target == stem) {
            orphans.push(path.display().to_string());
        }
    }
    assert!(
        orphans.is_empty(),
        "test files that no test executable runs (add them to tests/suite.rs): {orphans:#?}"
    );
}

/// Every `tests/NAME.rs` and `cargo test --test NAME` that the repository
/// mentions exists, so instructions never point at a renamed test.
#[test]
fn mentioned_test_files_exist() {
    let root = common::project_root();
    let targets = declared_test_targets();
    let mut stale = Vec::new();
    for entry in walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !matches!(
                name.as_ref(),
                "target" | "node_modules" | ".git" | "fixtures"
            )
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let path = entry.path();
        let is_text = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "md" | "mjs" | "json" | "sh" | "toml")
        );
        let Ok(text) = std::fs::read_to_string(path)
            .map_err(|_| ())
            .and_then(|t| is_text.then_some(t).ok_or(()))
        else {
            continue;
        };
        for (marker, suffix) in [("tests/", ".rs"), ("--test ", "")] {
            for (at, _) in text.match_indices(marker) {
                let rest = &text[at + marker.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let is_file_mention = suffix.is_empty() || rest[name.len()..].starts_with(suffix);
                // `tests/NAME.rs` is a placeholder, not a file.
                let placeholder = name.chars().all(|c| c.is_ascii_uppercase() || c == '_');
                if name.is_empty() || placeholder || !is_file_mention {
                    continue;
                }
                let exists = if suffix.is_empty() {
                    targets.contains(&name)
                } else {
                    root.join("tests").join(format!("{name}.rs")).is_file()
                };
                if !exists {
                    stale.push(format!("{}: {marker}{name}{suffix}", path.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "mentions of tests that do not exist: {stale:#?}"
    );
}

/// An output folder inside the content folder, named directly or through a
/// symbolic link, is never read back as content.
#[test]
fn an_output_folder_inside_the_content_is_not_content() {
    let dir = site(&[
        ("site.toml", "title = \"x\"\n"),
        ("content/index.md", "# Home\n"),
        ("content/a.md", "# A\n"),
    ]);
    let built_into = |output: &str| {
        handbook()
            .current_dir(dir.path())
            .args(["build", "--no-cache", "--output", output])
            .assert()
            .success()
            .stderr(contains("Built 2 pages and 0 assets"));
    };
    // The second build finds the first one's output in the content folder.
    built_into("content/out");
    built_into("content/out");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("content/out", dir.path().join("out-link")).expect("link");
        built_into("out-link");
    }
}
