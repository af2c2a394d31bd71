//! `handbook check` on tests/fixtures/links-site, a small site with every link
//! rule and every reason: each output format, exit codes, and `build`'s
//! handling of broken links.

use crate::common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn links_site() -> PathBuf {
    common::project_root().join("tests/fixtures/links-site")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], cwd: &Path) -> Run {
    let output = common::handbook()
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run handbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn check_fixture(format: &str) -> Run {
    run(
        &[
            "check",
            "--root",
            "tests/fixtures/links-site",
            "--format",
            format,
        ],
        &common::project_root(),
    )
}

/// 1-based line and column (in characters) of the first `needle` in `text`,
/// plus `skip` bytes: where a diagnostic for it must point.
fn position(text: &str, needle: &str, skip: usize) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the fixture"))
        + skip;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() + 1;
    let column = text[line_start..at].chars().count() + 1;
    (line as u64, column as u64)
}

/// (file, line, column, target, reason) of each broken link in a JSON report.
fn broken_set(json: &Value) -> Vec<(String, u64, u64, String, String)> {
    json["broken"]
        .as_array()
        .expect("`broken` is a list")
        .iter()
        .map(|b| {
            (
                b["file"].as_str().unwrap_or("").to_string(),
                b["line"].as_u64().unwrap_or(0),
                b["column"].as_u64().unwrap_or(0),
                b["target"].as_str().unwrap_or("").to_string(),
                b["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn json_reports_exactly_the_broken_links_at_their_targets() {
    let run = check_fixture("json");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["pages"], 7);
    assert!(json["links_checked"].as_u64().unwrap_or(0) > 60, "{json}");

    let text = std::fs::read_to_string(links_site().join("content/links.md")).expect("links.md");
    // (what to find, where the target starts in it, target, reason)
    let expected_at = [
        ("](/guide/missing/)", 2, "/guide/missing/", "missing-page"),
        ("](/guide/instal/)", 2, "/guide/instal/", "missing-page"),
        ("](guide/nothing/)", 2, "guide/nothing/", "missing-page"),
        ("](guide/nothing.md)", 2, "guide/nothing.md", "missing-page"),
        (
            "](https://docs.example.com/nowhere/)",
            2,
            "https://docs.example.com/nowhere/",
            "missing-page",
        ),
        ("](../../outside/)", 2, "../../outside/", "missing-page"),
        (
            "](/guide/#getting-startd)",
            2,
            "/guide/#getting-startd",
            "missing-anchor",
        ),
        ("](#nowhere)", 2, "#nowhere", "missing-anchor"),
        (
            "\"/guide/#no-such-id\"",
            1,
            "/guide/#no-such-id",
            "missing-anchor",
        ),
        (
            "](/images/missing.png)",
            2,
            "/images/missing.png",
            "missing-asset",
        ),
        (
            "](files/missing.pdf)",
            2,
            "files/missing.pdf",
            "missing-asset",
        ),
        (
            "\"/images/nope.png\"",
            1,
            "/images/nope.png",
            "missing-asset",
        ),
        (
            "[bad-ref]: /guide/gone/",
            11,
            "/guide/gone/",
            "missing-page",
        ),
    ];
    let expected: Vec<(String, u64, u64, String, String)> = expected_at
        .iter()
        .map(|(needle, skip, target, reason)| {
            let (line, column) = position(&text, needle, *skip);
            (
                "links.md".into(),
                line,
                column,
                target.to_string(),
                reason.to_string(),
            )
        })
        .collect();
    assert_eq!(broken_set(&json), expected);
    let messages: Vec<&str> = json["broken"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["message"].as_str())
        .collect();
    assert!(messages.iter().all(|m| !m.is_empty()));
    assert!(messages.contains(&"broken link: `../../outside/` points above the site root"));
}

#[test]
fn human_output_points_at_each_target_with_suggestions() {
    let run = check_fixture("human");
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "diagnostics go to stderr");
    let stderr = regex::Regex::new(r"in \d+\.\d+s")
        .expect("regex")
        .replace_all(&run.stderr, "in <time>")
        .into_owned();
    assert!(
        stderr.contains("did you mean `/guide/install/`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`/guide/` has `#getting-started`"),
        "{stderr}"
    );
    assert!(!stderr.contains("\u{1b}["), "no colours off a terminal");
    insta::assert_snapshot!("check_human_links_site", stderr);
}

#[test]
fn junit_output_is_a_valid_junit_report() {
    let run = check_fixture("junit");
    assert_eq!(run.code, 1);
    let report = common::junit::validate_junit(&run.stdout);
    assert_eq!(report.testcases, 7, "one test case per page");
    assert_eq!(report.failed_cases, vec!["links.md".to_string()]);
    assert!(
        report.failure_text.contains("links.md:"),
        "{}",
        report.failure_text
    );
    assert!(report.failure_text.contains("/guide/missing/"));

    let clean = run_clean_site("junit");
    let report = common::junit::validate_junit(&clean.stdout);
    assert!(report.failed_cases.is_empty());
    assert_eq!(report.testcases, 2);
}

#[test]
fn codequality_output_has_every_required_field() {
    let run = check_fixture("codequality");
    assert_eq!(run.code, 1);
    let issues: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let issues = issues.as_array().expect("an array of issues");
    assert_eq!(issues.len(), 13);
    let mut fingerprints = HashSet::new();
    for issue in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "`{field}` in {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap_or("")),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().expect("location.path");
        assert!(
            common::project_root().join(path).is_file(),
            "location.path `{path}` is relative to the repository (the working folder)"
        );
        let begin = issue["location"]["lines"]["begin"]
            .as_u64()
            .expect("location.lines.begin");
        assert!(begin >= 1);
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap_or("").to_string()));
    }
    assert_eq!(
        issues[0]["location"]["path"],
        "tests/fixtures/links-site/content/links.md"
    );

    // The fingerprint does not change when the link moves to another line.
    let first = run_codequality_on("[x](/nowhere/)\n");
    let moved = run_codequality_on("Some new text.\n\nMore.\n\n[x](/nowhere/)\n");
    assert_eq!(first[0]["fingerprint"], moved[0]["fingerprint"]);
    assert_ne!(
        first[0]["location"]["lines"]["begin"],
        moved[0]["location"]["lines"]["begin"]
    );

    assert_eq!(run_clean_site("codequality").stdout.trim(), "[]");
}

fn run_codequality_on(page: &str) -> Vec<Value> {
    let site = common::site(&[("content/index.md", page)]);
    let run = run(&["check", "--format", "codequality"], site.path());
    assert_eq!(run.code, 1);
    let issues: Value = serde_json::from_str(&run.stdout).expect("JSON");
    issues.as_array().cloned().unwrap_or_default()
}

fn run_clean_site(format: &str) -> Run {
    let site = common::site(&[
        (
            "content/index.md",
            "# Home\n\nSee [the other page](other/).\n",
        ),
        (
            "content/other.md",
            "# Other\n\n[Home](../) and [its heading](/#home).\n",
        ),
    ]);
    let run = run(&["check", "--format", format], site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn exit_codes() {
    // 0: nothing broken.
    let clean = run_clean_site("human");
    assert!(clean.stderr.contains("0 broken"), "{}", clean.stderr);
    // 1: something broken.
    assert_eq!(check_fixture("json").code, 1);
    // 2: usage and configuration errors.
    let root = common::project_root();
    assert_eq!(run(&["check", "--format", "xml"], &root).code, 2);
    assert_eq!(run(&["check", "--no-such-flag"], &root).code, 2);
    assert_eq!(
        run(&["check", "--content", "no/such/folder"], &root).code,
        2
    );
    let bad_regex = common::site(&[
        ("site.toml", "[links]\nignore = [\"(unclosed\"]\n"),
        ("content/index.md", "# Home\n"),
    ]);
    let run_bad = run(&["check"], bad_regex.path());
    assert_eq!(run_bad.code, 2);
    assert!(
        run_bad.stderr.contains("invalid regex"),
        "{}",
        run_bad.stderr
    );
    let bad_toml = common::site(&[
        ("site.toml", "[links.external]\nretries = \"many\"\n"),
        ("content/index.md", "# Home\n"),
    ]);
    assert_eq!(run(&["check"], bad_toml.path()).code, 2);
}

#[test]
fn build_warns_about_broken_links_or_fails_when_strict() {
    let site = common::site(&[("content/index.md", "# Home\n\n[gone](/gone/)\n")]);
    let out = site.path().join("public");
    let out_arg = out.to_string_lossy().into_owned();
    let warned = run(&["build", "--output", &out_arg], site.path());
    assert_eq!(warned.code, 0, "{}", warned.stderr);
    assert!(
        warned.stderr.contains("warning: broken link"),
        "{}",
        warned.stderr
    );
    assert!(out.join("index.html").is_file());

    let strict = run(&["build", "--strict", "--output", &out_arg], site.path());
    assert_eq!(strict.code, 1);
    assert!(
        strict.stderr.contains("error: broken link"),
        "{}",
        strict.stderr
    );

    std::fs::write(
        site.path().join("site.toml"),
        "[links]\nbroken = \"error\"\n",
    )
    .expect("write");
    assert_eq!(run(&["build", "--output", &out_arg], site.path()).code, 1);
}

#[test]
fn orphans_are_pages_nothing_links_to() {
    let site = common::site(&[
        ("content/index.md", "# Home\n\n[a](a/)\n"),
        ("content/a.md", "# A\n\n[back](../)\n"),
        ("content/lonely.md", "# Lonely\n\n[home](../)\n"),
    ]);
    let run_json = run(&["check", "--orphans", "--format", "json"], site.path());
    assert_eq!(run_json.code, 0);
    let json: Value = serde_json::from_str(&run_json.stdout).expect("JSON");
    assert_eq!(json["orphans"], serde_json::json!(["lonely.md"]));
    let human = run(&["check", "--orphans"], site.path());
    assert!(
        human.stderr.contains("orphan: lonely.md"),
        "{}",
        human.stderr
    );
}

#[test]
fn a_base_path_prefixes_the_site() {
    let site = common::site(&[
        ("site.toml", "base_url = \"https://example.com/docs/\"\n"),
        ("content/index.md", "# Home\n\n[with prefix](/docs/a/) [without](/a/) [absolute](https://example.com/docs/a/#a) [wrong](/docs/b/) [another site on the host](https://example.com/tools/x/)\n"),
        ("content/a.md", "# A\n"),
    ]);
    let run = run(&["check", "--format", "json"], site.path());
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let broken = broken_set(&json);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].3, "/docs/b/");
}
