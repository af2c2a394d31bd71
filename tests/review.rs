//! Owners and reviews on the sample handbook (its `.gitlab/CODEOWNERS`, the
//! owners and review dates in its front matter, `[review]` in site.toml),
//! measured against a fixed day: `handbook review` in every format, the
//! build's summary, pages, `/owners/` and the review feeds read back by an
//! independent iCalendar library.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

const TODAY: &str = "2025-06-01";

fn project() -> PathBuf {
    common::project_root()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn review(args: &[&str]) -> Run {
    let output = common::handbook()
        .current_dir(project())
        .args(["review", "--today", TODAY])
        .args(args)
        .output()
        .expect("run handbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The reviews the sample has on 1 June 2025 (due within 30 days: up to
/// 1 July), overdue first, then by due date.
fn expected_reviews() -> Value {
    json!([
        {"file": "people/onboarding.md", "line": 5,
         "owners": ["Recruiting Partner", "Area Sales Manager"],
         // 31 August + 6 months: the last day of February.
         "reviewed": "2024-08-31", "due": "2025-02-28", "status": "overdue"},
        {"file": "about/contributing.md", "line": 6, "owners": ["#sales-handbook"],
         "reviewed": "2024-10-21", "due": "2025-04-21", "status": "overdue"},
        {"file": "pipeline/forecasting/in-quarter.md", "line": 5, "owners": ["Area Sales Manager"],
         // The forecasting section reviews every 3 months.
         "reviewed": "2025-02-28", "due": "2025-05-28", "status": "overdue"},
        {"file": "pipeline/forecasting/forecast-categories.md", "line": 5,
         "owners": ["Area Sales Manager"],
         "reviewed": "2025-03-15", "due": "2025-06-15", "status": "due-soon"},
        {"file": "customers/qbr.md", "line": 5, "owners": ["@northwind/sales-ops"],
         "reviewed": "2025-03-20", "due": "2025-06-20", "status": "due-soon"},
    ])
}

#[test]
fn json_lists_overdue_and_due_soon_reviews_with_owners() {
    let run = review(&["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(report["pages"], 35);
    assert_eq!(report["reviews"], expected_reviews());
    // The contract's fields, each of its type.
    for entry in report["reviews"].as_array().expect("reviews") {
        let keys: Vec<&str> = entry
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["due", "file", "line", "owners", "reviewed", "status"]
        );
        let file = entry["file"].as_str().expect("file");
        let text = std::fs::read_to_string(project().join("content").join(file)).expect("page");
        let line = entry["line"].as_u64().expect("line") as usize;
        let at = text.lines().nth(line - 1).expect("the line exists");
        assert!(
            at.starts_with("reviewed:") || at.starts_with("last_reviewed_on:"),
            "{file}:{line} is `{at}`"
        );
    }
    let mut without: Vec<&str> = report["without_owner"]
        .as_array()
        .expect("without_owner")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    without.sort_unstable();
    // The about/ section names no owner and CODEOWNERS leaves it out; the
    // QBR deck is excluded (`!`) from its section.
    assert_eq!(
        without,
        [
            "about/_index.md",
            "about/glossary.md",
            "about/roles.md",
            "customers/qbr-deck.md",
            "index.md"
        ]
    );
    assert_eq!(
        report["unmatched_patterns"],
        json!([{"file": ".gitlab/CODEOWNERS", "line": 21, "pattern": "/content/enablement/"}])
    );
}

#[test]
fn owner_window_and_strict_filters() {
    let run = review(&[
        "--format",
        "json",
        "--owner",
        "area-sales-manager",
        "--due-within",
        "10d",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let files: Vec<(&str, &str)> = report["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap_or(""),
                r["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // 15 June is more than ten days away: not listed.
    assert_eq!(
        files,
        [
            ("people/onboarding.md", "overdue"),
            ("pipeline/forecasting/in-quarter.md", "overdue"),
        ]
    );
    let strict = review(&["--strict", "--quiet"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict
            .stderr
            .contains("error: review overdue: due 2025-02-28"),
        "{}",
        strict.stderr
    );
    let unknown = review(&["--owner", "Area Sales Manger"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("did you mean `Area Sales Manager`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn human_output_points_at_each_review_and_lists_the_coverage() {
    let run = review(&[]);
    assert_eq!(run.code, 0);
    for expected in [
        "warning: review overdue: due 2025-02-28 (owners: Recruiting Partner, Area Sales Manager)",
        " --> people/onboarding.md:5:1",
        "5 | reviewed: 2024-08-31",
        "warning: review due soon: due 2025-06-20 (owners: @northwind/sales-ops)",
        "5 page(s) without an owner:",
        ".gitlab/CODEOWNERS:21: CODEOWNERS pattern `/content/enablement/` matches no page",
        "Reviewed 35 pages on 2025-06-01: 3 review(s) overdue, 2 due within 30 days, 5 page(s) without an owner",
    ] {
        assert!(run.stderr.contains(expected), "`{expected}` in:\n{}", run.stderr);
    }
}

#[test]
fn junit_and_codequality_are_valid_reports() {
    let run = review(&["--format", "junit"]);
    assert_eq!(run.code, 0);
    let report = common::junit::validate_junit(&run.stdout);
    assert_eq!(report.testcases, 5);
    assert_eq!(
        report.failed_cases,
        [
            "people/onboarding.md",
            "about/contributing.md",
            "pipeline/forecasting/in-quarter.md"
        ]
    );
    assert!(report
        .failure_text
        .contains("people/onboarding.md:5: review due 2025-02-28"));

    let run = review(&["--format", "codequality"]);
    let issues: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let issues = issues.as_array().expect("array");
    assert_eq!(issues.len(), 5);
    let mut fingerprints = std::collections::HashSet::new();
    for issue in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "{issue}"
            );
        }
        let path = issue["location"]["path"].as_str().expect("path");
        assert!(
            project().join(path).is_file(),
            "{path} from the repository root"
        );
        assert!(issue["location"]["lines"]["begin"].as_u64() >= Some(1));
        assert!(fingerprints.insert(issue["fingerprint"].to_string()));
    }
    assert_eq!(issues[0]["severity"], "major");
    assert_eq!(issues[4]["severity"], "minor");
}

#[test]
fn bad_review_fields_fail_with_their_position() {
    let site = common::site(&[
        (
            "site.toml",
            "title = \"T\"\n[review]\noverdue = \"error\"\n",
        ),
        (
            "content/index.md",
            "---\ntitle: Home\nlast_reviewed_on: 2024-13-01\nreview_in: 6 months\n---\n# Home\n",
        ),
        (
            "content/old.md",
            "---\nreviewed: 2024-01-31\nreview_in: 1 month\n---\n# Old\n",
        ),
    ]);
    let output = common::handbook()
        .current_dir(site.path())
        .args(["review", "--today", "2024-03-01", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    // 31 January 2024 + 1 month: 29 February (a leap year), overdue on 1 March.
    assert_eq!(report["reviews"][0]["due"], "2024-02-29");
    assert_eq!(report["reviews"][0]["status"], "overdue");
    assert_eq!(report["errors"][0]["file"], "index.md");
    assert_eq!(report["errors"][0]["line"], 3);
    assert_eq!(report["errors"][0]["column"], 19);
    let check = common::handbook()
        .current_dir(site.path())
        .args(["check"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: `last_reviewed_on` is not a date: `2024-13-01`"),
        "{stderr}"
    );
    assert!(stderr.contains(" --> index.md:3:19"), "{stderr}");
}

/// Builds the sample on [`TODAY`].
fn build_sample() -> (tempfile::TempDir, PathBuf, String) {
    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    let output = common::handbook()
        .current_dir(project())
        .args(["build", "--today", TODAY, "--output"])
        .arg(&public)
        .output()
        .expect("build");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    (out, public, stderr)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_site_shows_owners_reviews_and_the_owners_page() {
    let (_out, public, stderr) = build_sample();
    assert!(
        stderr.contains("0 error(s), 0 warning(s); 3 reviews overdue, 5 pages without an owner"),
        "{stderr}"
    );
    let page = read(&public.join("pipeline/forecasting/in-quarter/index.html"));
    assert!(page
        .contains("Owned by <a href=\"/owners/#owner-area-sales-manager\">Area Sales Manager</a>"));
    assert!(page.contains("Reviewed <time datetime=\"2025-02-28\">28 Feb 2025</time> · next review due <time datetime=\"2025-05-28\">28 May 2025</time> <strong class=\"review-flag\">Overdue</strong>"), "{page}");
    let qbr = read(&public.join("customers/qbr/index.html"));
    assert!(qbr.contains("<a href=\"/owners/#owner-northwind-sales-ops\">@northwind/sales-ops</a>"));
    assert!(qbr.contains("is-due-soon"));

    let owners = read(&public.join("owners/index.html"));
    for expected in [
        "id=\"owner-area-sales-manager\"",
        "id=\"owner-northwind-sales-ops\"",
        // An activity owner without pages is listed with their activities.
        "id=\"owner-sales-operations\"",
        "href=\"/cadence/owners/area-sales-manager/\"",
        "In-quarter forecast call",
        "href=\"/owners/area-sales-manager.ics\"",
        "href=\"/customers/qbr-deck/\"",
        "<code>/content/enablement/</code>",
    ] {
        assert!(owners.contains(expected), "`{expected}` on /owners/");
    }
    // Owners are searchable: the index knows the word of a CODEOWNERS team.
    let manifest = read(&public.join("search/index.json"));
    assert!(!manifest.is_empty());
    let terms: String = std::fs::read_dir(public.join("search"))
        .expect("search")
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        terms.contains("\"northwind\""),
        "the owner's words are indexed"
    );
}

#[test]
fn review_feeds_import_in_python_icalendar() {
    let (_out, public, _) = build_sample();
    let probe = std::process::Command::new("python3")
        .args(["-c", "import icalendar, recurring_ical_events"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        common::skip(
            "HANDBOOK_REQUIRE_PYTHON_ICAL",
            "python3 with the icalendar and recurring_ical_events modules is not available (pip install icalendar recurring_ical_events)",
        );
        return;
    }
    let expand = |feed: &str| -> BTreeMap<String, Vec<String>> {
        let output = std::process::Command::new("python3")
            .arg(project().join("tests/fixtures/cadence/expand.py"))
            .arg(public.join(feed))
            .args(["2024-01-01", "2026-12-31"])
            .output()
            .expect("python3 runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("JSON from expand.py")
    };
    let site = expand("owners/reviews.ics");
    let due = |uid: &str| site.get(uid).cloned().unwrap_or_default();
    // Every page with a due date, once, on that date.
    assert_eq!(site.len(), 9, "{site:?}");
    assert_eq!(
        due("review--people-onboarding@handbook.example.com"),
        ["2025-02-28"]
    );
    assert_eq!(
        due("review--pipeline-forecasting-in-quarter@handbook.example.com"),
        ["2025-05-28"]
    );
    assert_eq!(due("review--home@handbook.example.com"), ["2025-10-01"]);
    let mine = expand("owners/partner-manager.ics");
    assert_eq!(
        mine,
        BTreeMap::from([(
            "review--customers-partner-reviews@handbook.example.com".to_string(),
            vec!["2025-10-10".to_string()]
        )])
    );
    // The same handbook gives the same bytes.
    let (_again, public_again, _) = build_sample();
    assert_eq!(
        read(&public.join("owners/reviews.ics")),
        read(&public_again.join("owners/reviews.ics"))
    );
}

/// A GOV.UK tech-docs handbook as such repositories are laid out: every page
/// carries `last_reviewed_on` and `review_in`, owners in `owner_slack`, the
/// default owner in `config/tech-docs.yml`.
#[test]
fn a_tech_docs_handbook_reviews_every_page() {
    let page = |title: &str, reviewed: &str, interval: &str, owner: &str| {
        format!(
            "---\ntitle: {title}\nweight: 10\nlast_reviewed_on: {reviewed}\nreview_in: {interval}\n{owner}---\n\n# {title}\n\nText.\n"
        )
    };
    let pages = [
        (
            "source/index.html.md.erb",
            page("Home", "2024-12-31", "6 months", ""),
        ),
        (
            "source/runbooks/deploy.html.md.erb",
            page(
                "Deploy",
                "2025-01-31",
                "1 month",
                "owner_slack: \"#platform\"\n",
            ),
        ),
        (
            "source/runbooks/rotate.html.md",
            page(
                "Rotate keys",
                "2024-02-29",
                "1 year",
                "owner_slack: \"@alice\"\n",
            ),
        ),
        (
            "source/standards/logging.html.md.erb",
            page("Logging", "2025-05-20", "3 months", ""),
        ),
    ];
    let mut files: Vec<(&str, &str)> = vec![
        ("config.rb", "require 'govuk_tech_docs'\n"),
        (
            "config/tech-docs.yml",
            "service_name: Ops manual\nhost: https://ops.example.gov.uk\ndefault_owner_slack: '#ops-manual'\n",
        ),
    ];
    files.extend(pages.iter().map(|(p, t)| (*p, t.as_str())));
    let site = common::site(&files);
    let output = common::handbook()
        .current_dir(site.path())
        .args(["review", "--today", "2025-03-01", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["pages"], 4);
    assert_eq!(
        report["reviews"],
        json!([
            // 31 January + 1 month: 28 February.
            {"file": "runbooks/deploy.html.md.erb", "line": 4, "owners": ["#platform"],
             "reviewed": "2025-01-31", "due": "2025-02-28", "status": "overdue"},
            // 29 February 2024 + 1 year: 28 February 2025.
            {"file": "runbooks/rotate.html.md", "line": 4, "owners": ["@alice"],
             "reviewed": "2024-02-29", "due": "2025-02-28", "status": "overdue"},
        ])
    );
    assert_eq!(report["without_owner"], json!([]));
    let out = site.path().join("public");
    let build = common::handbook()
        .current_dir(site.path())
        .args(["build", "--today", "2025-03-01", "--output"])
        .arg(&out)
        .output()
        .expect("build");
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 reviews overdue, 0 pages without an owner"),
        "{stderr}"
    );
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home.contains("Owned by <a href=\"/owners/#owner-ops-manual\">#ops-manual</a>"));
    assert!(home.contains("next review due <time datetime=\"2025-06-30\">30 Jun 2025</time>"));
}

/// With the build cache on, a build on another day or after a CODEOWNERS
/// edit gives the bytes a clean build gives: what pages and `/owners/` show
/// of owners and reviews is in the page cache's keys.
#[test]
fn the_build_cache_follows_the_day_and_codeowners() {
    let files = [
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("CODEOWNERS", "/content/ops/ @ops\n"),
        (
            "site.toml",
            "title = \"T\"\n[review]\nevery = \"1 month\"\n",
        ),
        (
            "content/index.md",
            "---\ntitle: Home\nreviewed: 2025-01-15\n---\n# Home\n",
        ),
        (
            "content/ops/run.md",
            "---\nreviewed: 2025-02-10\n---\n# Run\n",
        ),
        ("content/ops/more.md", "# More\n"),
    ];
    let cached = common::site(&files);
    let build = |dir: &Path, today: &str, cache: &str| {
        let output = common::handbook()
            .current_dir(dir)
            .env("HANDBOOK_CACHE_DIR", cache)
            .args(["build", "--today", today])
            .output()
            .expect("build");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        stderr
    };
    // `/owners/`, the feed, and each page's owner line (the pages' "Updated"
    // dates are their files' times here, which differ between the sites).
    let outputs = |dir: &Path| -> Vec<String> {
        let public = dir.join("public");
        let line = |page: &str| {
            let html = read(&public.join(page));
            html.split("<p class=\"doc-ownership\">")
                .nth(1)
                .and_then(|rest| rest.split("</p>").next())
                .unwrap_or("")
                .to_string()
        };
        vec![
            read(&public.join("owners/index.html")),
            read(&public.join("owners/ops.ics")),
            line("index.html"),
            line("ops/run/index.html"),
        ]
    };
    let clean = |today: &str, codeowners: &str| {
        let dir = common::site(&files);
        std::fs::write(dir.path().join("CODEOWNERS"), codeowners).expect("write");
        build(dir.path(), today, "");
        outputs(dir.path())
    };
    build(cached.path(), "2025-02-01", ".handbook-cache");
    assert_eq!(
        outputs(cached.path()),
        clean("2025-02-01", "/content/ops/ @ops\n")
    );
    // Home is due 15 February; run.md on 10 March.
    let later = build(cached.path(), "2025-03-01", ".handbook-cache");
    assert!(later.contains("1 review overdue"), "{later}");
    assert_eq!(
        outputs(cached.path()),
        clean("2025-03-01", "/content/ops/ @ops\n")
    );
    std::fs::write(
        cached.path().join("CODEOWNERS"),
        "/content/ops/ @ops @sre\n",
    )
    .expect("edit");
    let edited = build(cached.path(), "2025-03-01", ".handbook-cache");
    assert!(!edited.contains("Up to date"), "{edited}");
    let now = outputs(cached.path());
    assert!(now[3].contains("@sre"), "{}", now[3]);
    assert_eq!(now, clean("2025-03-01", "/content/ops/ @ops @sre\n"));
}
