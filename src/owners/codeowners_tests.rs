use super::*;

/// Each case: a file, then (path, expected owners) rows.
fn check(file: &str, table: &[(&str, &[&str])]) {
    let parsed = CodeOwners::parse(file);
    for (path, expected) in table {
        let got = parsed.owners_of(path).owners;
        assert_eq!(
            got,
            expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "owners of {path}"
        );
    }
}

#[test]
fn github_example_file() {
    // The example file of GitHub's documentation, with its comments' claims
    // as the expected owners.
    let file = "\
# These owners will be the default owners for everything
*       @global-owner1 @global-owner2

# Order is important; the last matching pattern takes precedence.
*.js    @js-owner #This is an inline comment.

*.go docs@example.com

*.txt @octo-org/octocats

/build/logs/ @doctocat

docs/*  docs@example.com

apps/ @octocat

/docs/ @doctocat

/scripts/ @doctocat @octocat

**/logs @octocat

/apps/ @octocat
/apps/github

/content/ @octocat
/content/github/ @doctocat
";
    check(
        file,
        &[
            ("README.md", &["@global-owner1", "@global-owner2"]),
            ("src/app.js", &["@js-owner"]),
            ("main.go", &["docs@example.com"]),
            ("notes/a.txt", &["@octo-org/octocats"]),
            // `**/logs` comes later than `/build/logs/` and wins.
            ("build/logs/x.log", &["@octocat"]),
            ("build/other.log", &["@global-owner1", "@global-owner2"]),
            // `/docs/` (later) wins over `docs/*` for /docs itself.
            ("docs/getting-started.md", &["@doctocat"]),
            // `docs/*` is anchored (a `/` in the middle): not `x/docs/`.
            ("x/docs/a.md", &["@global-owner1", "@global-owner2"]),
            ("a/apps/x.md", &["@octocat"]),
            ("scripts/run.sh", &["@doctocat", "@octocat"]),
            ("deeply/nested/logs/x", &["@octocat"]),
            // A pattern with no owners: nobody owns it.
            ("apps/github/a.md", &[]),
            ("apps/other/a.md", &["@octocat"]),
            ("content/a.md", &["@octocat"]),
            ("content/github/a.md", &["@doctocat"]),
        ],
    );
}

#[test]
fn anchored_and_floating_patterns() {
    let file = "\
handbook @floating
/handbook @anchored-root
/guides/* @direct-only
guides/setup.md @anchored-middle
*.md @markdown
/engineering/**/runbooks/ @runbooks
/people/[a-c]*.md @class
";
    check(
        file,
        &[
            ("handbook/x.txt", &["@anchored-root"]),
            ("a/handbook/x.txt", &["@floating"]),
            ("guides/setup.md", &["@markdown"]),
            ("guides/setup.txt", &["@direct-only"]),
            ("guides/deeper/setup.txt", &[]),
            ("engineering/runbooks/a.txt", &["@runbooks"]),
            ("engineering/x/y/runbooks/a.txt", &["@runbooks"]),
            ("people/benefits.md", &["@class"]),
            ("people/hiring.md", &["@markdown"]),
            ("other.txt", &[]),
        ],
    );
}

#[test]
fn gitlab_sections_add_up_and_exclusions_apply_per_section() {
    let file = "\
* @default

[Documentation] @docs-team
docs/
/docs/api/ @api-writers
!/docs/drafts/

^[Security][2] @security
/docs/security/
*.lock @deps

[documentation]
/docs/legal/ @legal
";
    check(
        file,
        &[
            ("docs/intro.md", &["@default", "@docs-team"]),
            ("docs/api/a.md", &["@default", "@api-writers"]),
            // Excluded from Documentation; the default section still owns it.
            ("docs/drafts/new.md", &["@default"]),
            (
                "docs/security/keys.md",
                &["@default", "@docs-team", "@security"],
            ),
            ("Cargo.lock", &["@default", "@deps"]),
            // Same section name (any case): one section, last match wins.
            ("docs/legal/terms.md", &["@default", "@legal"]),
        ],
    );
    let parsed = CodeOwners::parse(file);
    assert!(parsed
        .sections
        .iter()
        .any(|s| s.name == "Security" && s.optional));
    assert_eq!(parsed.sections.len(), 3);
}

#[test]
fn escapes_and_odd_lines() {
    let file = "\
\\#notes.md @hash
file\\ with\\ space.md @space
[not a header @x
[] @empty
";
    check(
        file,
        &[
            ("#notes.md", &["@hash"]),
            ("file with space.md", &["@space"]),
        ],
    );
}

#[test]
fn rules_outside_the_content_folder() {
    let parsed = CodeOwners::parse("/lib/ @a\n/content/x/ @b\n*.md @c\n/*/y @d\n");
    assert!(parsed.rule_outside(0, "content"));
    assert!(!parsed.rule_outside(1, "content"));
    assert!(!parsed.rule_outside(2, "content"));
    assert!(!parsed.rule_outside(3, "content"));
    assert!(!parsed.rule_outside(0, ""));
}

#[test]
fn pattern_spans_point_at_the_pattern() {
    let text = "# c\n  /docs/ @a\n";
    assert_eq!(&text[pattern_span(text, 2)], "/docs/");
}

#[test]
fn plain_paths_are_anchored_patterns_without_wildcards() {
    let parsed =
        CodeOwners::parse("/content/people/ @a\ncontent/x.md @b\n*.md @c\n/docs/* @d\napps/ @e\n");
    let plain: Vec<Option<String>> = (0..5).map(|i| parsed.plain_path(i)).collect();
    assert_eq!(
        plain,
        [
            Some("content/people".to_string()),
            Some("content/x.md".to_string()),
            None,
            None,
            None
        ]
    );
}

#[test]
fn wildcards_within_a_segment() {
    for (pattern, text, expected) in [
        ("*.md", "a.md", true),
        ("*.md", "a.mdx", false),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("?.md", "a.md", true),
        ("?.md", "ab.md", false),
        ("[abc]*", "b1", true),
        ("[!abc]*", "b1", false),
        ("[a-c]x", "bx", true),
        ("\\*x", "*x", true),
        ("\\*x", "ax", false),
        ("**", "anything", true),
        ("", "", true),
    ] {
        assert_eq!(
            wildcard(pattern.as_bytes(), text.as_bytes()),
            expected,
            "{pattern} on {text}"
        );
    }
    // Many stars against a long name that does not match: quick.
    let pattern = "*a".repeat(40) + "b";
    let text = "a".repeat(4000);
    let started = std::time::Instant::now();
    assert!(!wildcard(pattern.as_bytes(), text.as_bytes()));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}
