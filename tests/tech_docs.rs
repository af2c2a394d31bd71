//! GOV.UK tech-docs handbooks built from their own repository with no
//! edits: `handbook build --root REPO` and `handbook review --root REPO`.
//!
//! `tests/fixtures/tech-docs-site` is a small handbook written in the shapes
//! the real ones use (no `config.rb`, `owner_slack`, `default_owner_slack`,
//! `owner_slack_workspace`, `last_reviewed_on` + `review_in` in months,
//! `month` and weeks, `warning_text`, `image_tag`, `<%%=`, partials). The
//! real repositories (ministryofjustice/cloud-platform-user-guide and
//! modernisation-platform, alphagov/gds-way, govuk-developer-docs and
//! tech-docs-gem's documentation) are read from `HANDBOOK_TECHDOCS_CORPUS`
//! (default `../shared/corpus/tech-docs`; `tools/tech-docs-corpus.sh`
//! fetches them) and checked against reviews computed here from their front
//! matter, with another YAML parser and Chronic's calendar arithmetic.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use yaml_rust2::{Yaml, YamlLoader};

const TODAY: &str = "2026-12-04";

fn fixture() -> PathBuf {
    common::project_root().join("tests/fixtures/tech-docs-site")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(root: &Path, args: &[&str]) -> Run {
    let output = common::handbook()
        .current_dir(std::env::temp_dir())
        .args(args)
        .arg("--root")
        .arg(root)
        .args(["--today", TODAY])
        .output()
        .expect("run handbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn review_json(root: &Path) -> Value {
    let result = run(root, &["review", "--format", "json"]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    serde_json::from_str(&result.stdout).expect("review JSON")
}

/// Builds `root` into a new folder; returns it and the build's stderr.
fn build(root: &Path) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().expect("temp");
    let public = out.path().join("public");
    let result = common::handbook()
        .current_dir(std::env::temp_dir())
        .args(["build", "--today", TODAY, "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .output()
        .expect("build");
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{}: {stderr}", root.display());
    (out, stderr)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The owner and review line under a page's title, or `""`.
fn ownership_line(html: &str) -> &str {
    let Some(start) = html.find("<p class=\"doc-ownership\">") else {
        return "";
    };
    let end = html[start..]
        .find("</p>")
        .map_or(html.len(), |e| start + e + 4);
    &html[start..end]
}

/// `html` without its tags (the highlighter's spans), entities kept.
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A copy of the fixture with `edit` applied to the file at `path`.
fn fixture_copy(path: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    common::copy_tree(&fixture(), dir.path());
    let file = dir.path().join(path);
    let text = read(&file);
    std::fs::write(&file, edit(&text)).expect("write");
    dir
}

#[test]
fn the_fixture_is_detected_and_reviewed_as_tech_docs_reads_it() {
    let report = review_json(&fixture());
    // Overdue first, then by due date. 31 May + 6 months is 30 November;
    // 31 August + 6 months the last day of February; 3 weeks are 21 days.
    // A page without `owner_slack` has `default_owner_slack`, not the
    // CODEOWNERS file beside it.
    assert_eq!(
        report,
        json!({
            "pages": 5,
            "reviews": [
                {"file": "runbooks/billing-export.html.md.erb", "line": 3,
                 "owners": ["#platform-docs"],
                 "reviewed": "2025-08-31", "due": "2026-02-28", "status": "overdue"},
                {"file": "runbooks/rotate-credentials.html.md", "line": 4,
                 "owners": ["@sam.jones"],
                 "reviewed": "2026-05-31", "due": "2026-11-30", "status": "overdue"},
                {"file": "runbooks/restart-queue.html.md.erb", "line": 4,
                 "owners": ["#queue-oncall"],
                 "reviewed": "2026-11-20", "due": "2026-12-11", "status": "due-soon"},
            ],
            "without_owner": [],
            "unmatched_patterns": [],
            "errors": [],
        })
    );
    let human = run(&fixture(), &["review"]);
    assert!(
        human
            .stderr
            .contains("Middleman (tech-docs) site: content in source/"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains(
            "warning: review overdue: due 2026-11-30 (owners: @sam.jones)\n --> runbooks/rotate-credentials.html.md:4:1"
        ),
        "{}",
        human.stderr
    );
}

#[test]
fn the_fixture_builds_with_review_lines_helpers_and_the_owners_page() {
    let (out, stderr) = build(&fixture());
    assert!(
        stderr.contains("Built 5 pages and 1 assets")
            && stderr
                .contains("0 error(s), 0 warning(s); 2 reviews overdue, 0 pages without an owner"),
        "no ERB, layout, link or image warning: {stderr}"
    );
    let public = out.path().join("public");
    let lines: String = [
        "index.html",
        "glossary.html",
        "runbooks/billing-export.html",
        "runbooks/restart-queue.html",
        "runbooks/rotate-credentials.html",
    ]
    .iter()
    .map(|page| {
        format!(
            "{page}\n{}\n",
            ownership_line(&read(&public.join(page))).replace("</span><span", "</span>\n<span")
        )
    })
    .collect();
    insta::assert_snapshot!("tech_docs_review_lines", lines);

    let restart = read(&public.join("runbooks/restart-queue.html"));
    assert!(restart.contains(
        "<p class=\"govuk-warning-text__text\">Restarting drops the messages in flight: <a href=\"#drain-the-queue\">drain the queue</a> first.</p>"
    ));
    assert!(restart.contains("<p>If the restart fails, page the on-call engineer.</p>"));
    let billing = read(&public.join("runbooks/billing-export.html"));
    assert!(billing
        .contains("<img src=\"/images/billing-flow.svg\" alt=\"How the billing export flows\" />"));
    // `<%%=` is ERB's way of writing `<%=` in a code example.
    assert!(
        text_of(&billing).contains(
            "&lt;%= warning_text(&#39;Check the totals before you send the export.&#39;) %&gt;"
        ),
        "{billing}"
    );
    let home = read(&public.join("index.html"));
    assert!(home.contains("href=\"mailto:platform-support@example.gov.uk\""));

    let owners = read(&public.join("owners/index.html"));
    let start = owners.find("<article").expect("article");
    let end = owners.find("</article>").expect("article end");
    insta::assert_snapshot!("tech_docs_owners_page", &owners[start..end]);
    for slack in [
        "https://exampledt.slack.com/messages/platform-docs",
        "https://exampledt.slack.com/messages/queue-oncall",
        "https://exampledt.slack.com/messages/sam.jones",
    ] {
        assert!(owners.contains(slack), "{slack}");
    }
    assert!(
        !owners.contains("CODEOWNERS"),
        "tech-docs owners do not come from CODEOWNERS"
    );
}

#[test]
fn show_review_banner_false_hides_the_lines_not_the_reviews() {
    let site = fixture_copy("config/tech-docs.yml", |text| {
        format!("{text}show_review_banner: false\n")
    });
    let (out, _) = build(site.path());
    let page = read(&out.path().join("public/runbooks/restart-queue.html"));
    assert_eq!(ownership_line(&page), "");
    assert_eq!(
        review_json(site.path())["reviews"],
        review_json(&fixture())["reviews"]
    );
}

#[test]
fn review_fields_that_cannot_be_read_are_errors_at_their_value() {
    let site = fixture_copy("source/runbooks/restart-queue.html.md.erb", |text| {
        text.replace("2026-11-20", "2026-11-31")
            .replace("3 weeks", "three weeks")
    });
    let result = run(site.path(), &["review"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    for expected in [
        "error: `last_reviewed_on` is not a date: `2026-11-31`\n --> runbooks/restart-queue.html.md.erb:4:19",
        "error: `review_in` is not an interval: `three weeks`\n --> runbooks/restart-queue.html.md.erb:5:12",
    ] {
        assert!(result.stderr.contains(expected), "{}", result.stderr);
    }
    let out = tempfile::tempdir().expect("temp");
    let build = common::handbook()
        .args(["build", "--today", TODAY, "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(out.path().join("public"))
        .output()
        .expect("build");
    assert_eq!(
        build.status.code(),
        Some(1),
        "a bad review date fails the build"
    );
}

// ---- the real handbooks ----

/// The tech-docs sites under the corpus folder: folders (one or two levels
/// down) with `config/tech-docs.yml` and `source/`.
fn corpus_sites() -> Option<Vec<PathBuf>> {
    let root = std::env::var_os("HANDBOOK_TECHDOCS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::project_root().join("../shared/corpus/tech-docs"));
    let is_site =
        |dir: &Path| dir.join("config/tech-docs.yml").is_file() && dir.join("source").is_dir();
    let mut sites = Vec::new();
    for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        let dir = entry.path();
        if is_site(&dir) {
            sites.push(dir);
        } else {
            for inner in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if is_site(&inner.path()) {
                    sites.push(inner.path());
                }
            }
        }
    }
    sites.sort();
    if sites.is_empty() {
        common::skip_opt_in(
            "HANDBOOK_REQUIRE_TECHDOCS",
            &format!(
                "no tech-docs handbook under {} (tools/tech-docs-corpus.sh DIR fetches them; HANDBOOK_TECHDOCS_CORPUS=DIR)",
                root.display()
            ),
        );
        return None;
    }
    Some(sites)
}

/// A date as `(year, month, day)`, and Chronic's arithmetic on it.
type Ymd = (i32, u32, u32);

fn parse_ymd(text: &str) -> Option<Ymd> {
    let mut parts = text.trim().splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.get(..2)?.parse().ok()?;
    Some((y, m, d))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn add_months((y, m, d): Ymd, n: u32) -> Ymd {
    let index = (m - 1 + n) as i32;
    let (y, m) = (y + index / 12, (index % 12) as u32 + 1);
    (y, m, d.min(days_in_month(y, m)))
}

fn add_days((mut y, mut m, mut d): Ymd, n: u32) -> Ymd {
    for _ in 0..n {
        d += 1;
        if d > days_in_month(y, m) {
            d = 1;
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
    }
    (y, m, d)
}

/// `in 6 months` from the review, as tech-docs asks Chronic.
fn chronic_due(reviewed: Ymd, review_in: &str) -> Ymd {
    let mut words = review_in.split_whitespace();
    let n: u32 = words.next().and_then(|n| n.parse().ok()).expect("a number");
    match words.next().unwrap_or("").trim_end_matches('s') {
        "month" => add_months(reviewed, n),
        "year" => add_months(reviewed, 12 * n),
        "week" => add_days(reviewed, 7 * n),
        "day" => add_days(reviewed, n),
        unit => panic!("an interval in the corpus that this test does not know: {unit}"),
    }
}

fn ymd_text((y, m, d): Ymd) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// A page's front matter as another YAML parser reads it.
fn front_matter(text: &str) -> Option<(Yaml, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    let front = &rest[..end];
    let doc = YamlLoader::load_from_str(front).ok()?.into_iter().next()?;
    Some((doc, front))
}

fn yaml_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

/// What tech-docs says of every page with a review: `(owners, reviewed,
/// due, line)` by content path.
fn expected_reviews(
    site: &Path,
    default_owner: Option<&str>,
) -> BTreeMap<String, (Vec<String>, String, String, usize)> {
    let source = site.join("source");
    let mut out = BTreeMap::new();
    let mut stack = vec![source.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(['.', '_']) || path == source.join("layouts") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if !(name.ends_with(".md") || name.ends_with(".md.erb")) {
                continue;
            }
            let text = read(&path);
            let Some((front, front_text)) = front_matter(&text) else {
                continue;
            };
            let (Some(reviewed), Some(review_in)) = (
                yaml_text(&front["last_reviewed_on"]),
                yaml_text(&front["review_in"]),
            ) else {
                continue;
            };
            let reviewed = parse_ymd(&reviewed).expect("a review date");
            let owner = yaml_text(&front["owner_slack"]).or(default_owner.map(str::to_string));
            let line = 2 + front_text
                .lines()
                .position(|l| l.starts_with("last_reviewed_on:"))
                .expect("the field's line");
            let rel = path
                .strip_prefix(&source)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(
                rel,
                (
                    owner.into_iter().collect(),
                    ymd_text(reviewed),
                    ymd_text(chronic_due(reviewed, &review_in)),
                    line,
                ),
            );
        }
    }
    out
}

#[test]
fn real_tech_docs_handbooks_build_and_review_as_tech_docs_does() {
    let Some(sites) = corpus_sites() else {
        return;
    };
    let today = parse_ymd(TODAY).expect("today");
    let soon = ymd_text(add_days(today, 30));
    let mut pages_checked = 0;
    for site in &sites {
        let config =
            YamlLoader::load_from_str(&read(&site.join("config/tech-docs.yml"))).expect("yaml");
        let config = &config[0];
        let default_owner = config["default_owner_slack"].as_str();
        let shows_lines = config["show_review_banner"].as_bool() != Some(false);
        let workspace = config["owner_slack_workspace"].as_str();
        let expected = expected_reviews(site, default_owner);

        // `handbook review`: every overdue and due-soon page, nothing else.
        let report = review_json(site);
        assert_eq!(report["errors"], json!([]), "{}", site.display());
        let listed: BTreeMap<String, Value> = report["reviews"]
            .as_array()
            .expect("reviews")
            .iter()
            .map(|r| (r["file"].as_str().unwrap_or("").to_string(), r.clone()))
            .collect();
        let today_text = ymd_text(today);
        let due_now: BTreeMap<&String, Value> = expected
            .iter()
            .filter(|(_, (_, _, due, _))| *due <= soon)
            .map(|(file, (owners, reviewed, due, line))| {
                let status = if *due < today_text {
                    "overdue"
                } else {
                    "due-soon"
                };
                let row = json!({"file": file, "line": line, "owners": owners,
                    "reviewed": reviewed, "due": due, "status": status});
                (file, row)
            })
            .collect();
        assert_eq!(
            listed.len(),
            due_now.len(),
            "{}: listed {:?}",
            site.display(),
            listed.keys().collect::<Vec<_>>()
        );
        for (file, row) in &due_now {
            assert_eq!(listed.get(*file), Some(row), "{}: {file}", site.display());
        }

        // The build: no error; every reviewed page shows its dates.
        let (out, stderr) = build(site);
        assert!(stderr.contains("Middleman (tech-docs) site"), "{stderr}");
        assert!(stderr.contains(" 0 error(s)"), "{stderr}");
        let public = out.path().join("public");
        for (file, (owners, reviewed, due, _)) in &expected {
            let output = file.trim_end_matches(".erb").trim_end_matches(".md");
            let output = if output.ends_with(".html") {
                output.to_string()
            } else {
                format!("{output}/index.html")
            };
            let html = read(&public.join(&output));
            let line = ownership_line(&html);
            if !shows_lines {
                assert_eq!(line, "", "{file}: show_review_banner is false");
                continue;
            }
            for expected in [
                format!("Reviewed <time datetime=\"{reviewed}\">"),
                format!("next review due <time datetime=\"{due}\">"),
            ] {
                assert!(line.contains(&expected), "{file}: {expected} in {line}");
            }
            for owner in owners {
                assert!(line.contains(&format!(">{owner}</a>")), "{file}: {owner}");
            }
            pages_checked += 1;
        }

        // `/owners/`: every owner once, with a Slack link when the
        // workspace is known.
        let owners_page = read(&public.join("owners/index.html"));
        let names: BTreeSet<&String> = expected.values().flat_map(|(o, _, _, _)| o).collect();
        for name in &names {
            assert!(
                owners_page.contains(&format!("-name\">{name}</h3>")),
                "{}: {name} on /owners/",
                site.display()
            );
        }
        let slack_links = owners_page.matches(".slack.com/messages/").count();
        let entries = owners_page.matches("class=\"owner-entry\"").count();
        match workspace {
            Some(_) => assert_eq!(slack_links, entries, "{}", site.display()),
            None => assert_eq!(slack_links, 0, "{}", site.display()),
        }
    }
    assert!(
        pages_checked >= 100 || sites.len() < 3,
        "only {pages_checked} review lines checked"
    );
}
