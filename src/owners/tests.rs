//! Owners end to end on small sites: precedence between front matter,
//! section index pages and CODEOWNERS; reviews; diagnostics.

use super::*;
use crate::config::review::{ReviewConfig, ReviewSettings};
use crate::diagnostics::{render_human, Severity};

/// A site: `.git` (so the folder is the repository root), CODEOWNERS files
/// and pages under `content/`.
fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect("git");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    std::fs::create_dir_all(dir.path().join("content")).expect("content");
    let mut config =
        Config::load(dir.path(), &crate::config::Overrides::default()).expect("config");
    config.today = NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
    (dir, config)
}

fn collect_site(config: &Config) -> (crate::content::Content, Owners) {
    let content = crate::content::load(config);
    let owners = collect(config, &content.pages, slug);
    (content, owners)
}

/// The cadence index's slug rule (this stage comes before it).
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn owners_by_path(content: &crate::content::Content, owners: &Owners) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = content
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel_path.clone(), owners.of_page(i).owners.join(", ")))
        .collect();
    rows.sort();
    rows
}

#[test]
fn front_matter_then_section_then_codeowners() {
    let (_dir, config) = site(&[
        (
            ".github/CODEOWNERS",
            "* @everyone\n/content/people/ @people-team\n/content/legal/*.md @legal\n/content/gone/ @nobody\n/src/ @developers\n",
        ),
        ("content/index.md", "---\ntitle: Home\n---\n"),
        ("content/people/index.md", "---\nowner: People Operations\n---\n"),
        ("content/people/benefits.md", "# Benefits\n"),
        ("content/people/hiring/interviews.md", "# Interviews\n"),
        (
            "content/people/hiring/offers.md",
            "---\nowners: [Recruiting, People Operations]\n---\n",
        ),
        ("content/legal/terms.md", "# Terms\n"),
        ("content/legal/index.md", "---\nmaintainers:\n  - name: Counsel\n---\n"),
        ("content/engineering/setup.md", "---\nowner_slack: \"#eng-platform\"\n---\n"),
        ("content/engineering/tools.md", "# Tools\n"),
    ]);
    let (content, owners) = collect_site(&config);
    assert_eq!(
        owners_by_path(&content, &owners),
        [
            ("engineering/setup.md", "#eng-platform"),
            ("engineering/tools.md", "@everyone"),
            ("index.md", "@everyone"),
            ("legal/index.md", "Counsel"),
            ("legal/terms.md", "Counsel"),
            ("people/benefits.md", "People Operations"),
            ("people/hiring/interviews.md", "People Operations"),
            ("people/hiring/offers.md", "Recruiting, People Operations"),
            ("people/index.md", "People Operations"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let source = |path: &str| {
        let i = content
            .pages
            .iter()
            .position(|p| p.rel_path == path)
            .expect("page");
        owners.of_page(i).source.clone()
    };
    assert_eq!(
        source("people/index.md"),
        Some(Source::FrontMatter { key: "owner" })
    );
    assert!(matches!(
        source("people/benefits.md"),
        Some(Source::Section { .. })
    ));
    assert_eq!(
        source("engineering/tools.md"),
        Some(Source::CodeOwners { line: 1 })
    );
    let file = owners.codeowners.as_ref().expect("codeowners");
    assert_eq!(file.display_path, ".github/CODEOWNERS");
    // `/content/gone/` matches no page; `/src/` is outside the content folder.
    let unmatched: Vec<&str> = file
        .unmatched
        .iter()
        .map(|&i| file.parsed.rules[i].pattern.as_str())
        .collect();
    assert_eq!(unmatched, ["/content/gone/"]);
    assert_eq!(owners.without_owner(), 0);
    assert_eq!(owners.slug_of("#eng-platform"), "eng-platform");
    assert_eq!(owners.slug_of("@everyone"), "everyone");
}

#[test]
fn reviews_from_tech_docs_fields_dates_and_defaults() {
    let (_dir, mut config) = site(&[
        (
            "content/a.md",
            "---\nlast_reviewed_on: 2024-10-21\nreview_in: 6 months\n---\n",
        ),
        ("content/b.md", "---\nreviewed: 2024-08-31\n---\n"),
        ("content/people/c.md", "---\nreviewed: 2024-12-15\n---\n"),
        ("content/d.md", "---\nreview_by: 2025-03-20\n---\n"),
        (
            "content/e.md",
            "---\nreviewed: 2025-01-31\nreview_in: 1 month\n---\n",
        ),
        ("content/f.md", "# No review\n"),
    ]);
    let review: ReviewConfig =
        toml::from_str("every = \"6 months\"\n[sections]\npeople = \"2 months\"\n").expect("toml");
    config.review = ReviewSettings::from_config(&review).expect("valid");
    let (content, owners) = collect_site(&config);
    let get = |path: &str| {
        let i = content
            .pages
            .iter()
            .position(|p| p.rel_path == path)
            .expect("page");
        owners.of_page(i).review.clone()
    };
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let a = get("a.md").expect("review");
    assert_eq!(
        (a.reviewed, a.due),
        (date("2024-10-21"), date("2025-04-21"))
    );
    assert_eq!(a.status, Some(Status::Current));
    assert_eq!(a.line, 2);
    // 31 Aug + 6 months: the last day of February.
    let b = get("b.md").expect("review");
    assert_eq!(b.due, date("2025-02-28"));
    assert_eq!(b.status, Some(Status::Overdue));
    let c = get("people/c.md").expect("review");
    assert_eq!(c.due, date("2025-02-15"));
    assert_eq!(c.status, Some(Status::Overdue));
    let d = get("d.md").expect("review");
    assert_eq!((d.reviewed, d.due), (None, date("2025-03-20")));
    assert_eq!(d.status, Some(Status::DueSoon));
    let e = get("e.md").expect("review");
    assert_eq!(e.due, date("2025-02-28"));
    assert_eq!(get("f.md"), None);
    assert_eq!(owners.overdue(), 3);
    assert_eq!(owners.count(Status::DueSoon), 1);
    assert!(owners.diagnostics.is_empty(), "{:?}", owners.diagnostics);
}

#[test]
fn bad_dates_and_owners_are_errors_at_their_value() {
    let (_dir, config) = site(&[(
        "content/ops.md",
        "---\ntitle: Ops\nlast_reviewed_on: 2024-02-30\nreview_in: six months\nowner: 42\n---\n",
    )]);
    let (_content, owners) = collect_site(&config);
    let rendered: Vec<String> = owners
        .diagnostics
        .iter()
        .map(|d| render_human(d, false))
        .collect();
    let all = rendered.join("\n");
    assert!(
        all.contains("`last_reviewed_on` is not a date: `2024-02-30`"),
        "{all}"
    );
    assert!(all.contains("ops.md:3:19"), "{all}");
    assert!(
        all.contains("`review_in` is not an interval: `six months`"),
        "{all}"
    );
    assert!(all.contains("ops.md:4:12"), "{all}");
    assert!(
        all.contains("`owner` must be a name or a list of names, not a number"),
        "{all}"
    );
    assert!(all.contains("ops.md:5:8"), "{all}");
    assert!(
        owners
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
            >= 3
    );
}

#[test]
fn gitlab_codeowners_sections_reach_pages() {
    let (_dir, config) = site(&[
        (
            ".gitlab/CODEOWNERS",
            "[Handbook] @handbook\n/content/\n!/content/drafts/\n\n^[Finance] @finance\n/content/finance/\n",
        ),
        ("content/finance/budget.md", "# Budget\n"),
        ("content/drafts/idea.md", "# Idea\n"),
        ("content/values.md", "# Values\n"),
    ]);
    let (content, owners) = collect_site(&config);
    assert_eq!(
        owners_by_path(&content, &owners),
        [
            ("drafts/idea.md", ""),
            ("finance/budget.md", "@handbook, @finance"),
            ("values.md", "@handbook"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(owners.without_owner(), 1);
}

#[test]
fn a_default_owner_fills_the_pages_nobody_owns() {
    let (_dir, mut config) = site(&[
        (".github/CODEOWNERS", "/content/ops/ @ops\n"),
        ("content/ops/run.md", "# Run\n"),
        ("content/team.md", "---\nowner: Team\n---\n"),
        ("content/other.md", "# Other\n"),
    ]);
    config.review.default_owner = Some("#handbook".into());
    let (content, owners) = collect_site(&config);
    assert_eq!(
        owners_by_path(&content, &owners),
        [
            ("ops/run.md", "@ops"),
            ("other.md", "#handbook"),
            ("team.md", "Team")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(owners.without_owner(), 0);
}

#[test]
fn without_inheritance_a_page_has_its_own_owners_or_the_default() {
    // tech-docs: `owner_slack`, else `default_owner_slack`; the section
    // index's owner and CODEOWNERS are not read.
    let (_dir, mut config) = site(&[
        (".github/CODEOWNERS", "/content/ops/ @ops\n"),
        (
            "content/ops/index.md",
            "---\nowner_slack: '#ops-docs'\n---\n",
        ),
        ("content/ops/run.md", "# Run\n"),
        ("content/team.md", "---\nowner_slack: \"@lead\"\n---\n"),
    ]);
    config.review.default_owner = Some("#handbook".into());
    config.review.inherit_owners = false;
    let (content, owners) = collect_site(&config);
    assert_eq!(
        owners_by_path(&content, &owners),
        [
            ("ops/index.md", "#ops-docs"),
            ("ops/run.md", "#handbook"),
            ("team.md", "@lead")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(owners.codeowners.is_none(), "CODEOWNERS is not read");
    assert!(codeowners_file(&config).is_none());
}
