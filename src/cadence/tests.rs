//! Schema validation end to end: front matter text in, rendered diagnostics
//! out (snapshots in `snapshots/`), so the messages users read are reviewed.

use std::collections::HashSet;

use super::locate::Locator;
use super::schema::{self, PageFacts};
use super::{schema_diagnostic, Vocabulary};
use crate::config::HeadingIdFlavor;
use crate::content::front_matter;
use crate::diagnostics::render_human;
use crate::markdown::{self, RenderOptions};

const BODY: &str = "\n## In-quarter forecast call\n\nText.\n\n## Peer deal reviews\n\nText.\n";

/// The diagnostics for a page `planning.md` with this front matter and body,
/// rendered as the terminal shows them.
fn diagnose(front: &str, body: &str) -> String {
    let text = format!("---\n{front}---\n{body}");
    let split = front_matter::split(&text).unwrap();
    let parsed = front_matter::parse(&text, &split).unwrap();
    let options = RenderOptions::standalone(HeadingIdFlavor::KramdownGfm);
    let rendered = markdown::render(&text[split.body_start..], split.body_start, &options);
    let anchors: HashSet<&str> = rendered.anchors.iter().map(String::as_str).collect();
    let ids: Vec<&str> = rendered
        .headings
        .iter()
        .filter_map(|h| h.id.as_deref())
        .collect();
    let facts = PageFacts {
        title: "Planning",
        anchors: &anchors,
        heading_ids: &ids,
    };
    let vocabulary = Vocabulary::default();
    let value = parsed.map.get("cadence").cloned().unwrap_or_default();
    let (_, errors) = schema::parse(&value, &facts, &vocabulary);
    let locator = Locator::new(&text, &split.front);
    errors
        .iter()
        .map(|e| render_human(&schema_diagnostic("planning.md", &text, &locator, e), false))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn entries(front: &str) -> Vec<schema::Entry> {
    let text = format!("---\n{front}---\n{BODY}");
    let split = front_matter::split(&text).unwrap();
    let parsed = front_matter::parse(&text, &split).unwrap();
    let anchors: HashSet<&str> = ["in-quarter-forecast-call", "peer-deal-reviews"].into();
    let facts = PageFacts {
        title: "Planning",
        anchors: &anchors,
        heading_ids: &[],
    };
    let (entries, errors) = schema::parse(&parsed.map["cadence"], &facts, &Vocabulary::default());
    assert!(errors.is_empty(), "{errors:?}");
    entries
}

#[test]
fn valid_entries_parse() {
    let list = entries(
        "cadence:\n  - activity: In-quarter forecast call\n    every: weekly\n    day: monday\n    time: \"10:00\"\n    owner: Area Sales Manager\n    attendees: [SAEs, Solutions Architects]\n    duration: 1h\n    section: \"#in-quarter-forecast-call\"\n  - activity: Peer deal review\n    every: [Biweekly, ad hoc]\n    section: peer-deal-reviews\n",
    );
    assert_eq!(list.len(), 2);
    let v = Vocabulary::default();
    assert_eq!(list[0].name, "In-quarter forecast call");
    assert_eq!(list[0].duration, Some(60));
    assert_eq!(list[0].attendees, ["SAEs", "Solutions Architects"]);
    assert_eq!(list[0].section.as_deref(), Some("in-quarter-forecast-call"));
    assert_eq!(
        list[0].time.map(|t| t.to_string()).as_deref(),
        Some("10:00:00")
    );
    let keys: Vec<&str> = list[1]
        .every
        .iter()
        .map(|&i| v.get(i).key.as_str())
        .collect();
    assert_eq!(keys, ["bi-weekly", "ad-hoc"]);
}

#[test]
fn shorthand_names_the_page() {
    let list = entries("cadence: Twice a year\n");
    assert_eq!(list.len(), 1);
    assert!(list[0].whole_page);
    assert_eq!(list[0].name, "Planning");
    assert_eq!(
        Vocabulary::default().get(list[0].every[0]).key,
        "semi-annual"
    );
}

#[test]
fn unknown_cadence_suggests_the_closest() {
    insta::assert_snapshot!(diagnose(
        "title: Planning\ncadence:\n  - activity: QBR\n    every: [monthly, quartely]\n",
        BODY
    ));
}

#[test]
fn unknown_cadence_in_the_shorthand() {
    insta::assert_snapshot!(diagnose("cadence: quartely\n", BODY));
}

#[test]
fn unknown_cadence_without_a_close_match_lists_the_vocabulary() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: Town hall\n    every: sometimes\n",
        BODY
    ));
}

#[test]
fn missing_activity_name() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: Call\n    every: weekly\n  - every: monthly\n    owner: Sales Operations\n",
        BODY
    ));
}

#[test]
fn missing_every() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: Call\n    owner: Area Sales Manager\n",
        BODY
    ));
}

#[test]
fn section_without_such_heading() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: Call\n    every: weekly\n    section: in-quarter-forecast\n  - activity: Review\n    every: weekly\n    section: nothing-like-it\n",
        BODY
    ));
}

#[test]
fn wrong_types() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: [Call]\n    every: weekly\n  - activity: Review\n    every: weekly\n    owner: [Area Sales Manager, Sales Operations]\n    attendees: {lead: Enablement}\n  - just a string\n",
        BODY
    ));
}

#[test]
fn cadence_that_is_not_a_list() {
    insta::assert_snapshot!(diagnose("cadence: 42\n", BODY));
}

#[test]
fn unknown_field() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: Call\n    every: weekly\n    ower: Area Sales Manager\n",
        BODY
    ));
}

#[test]
fn bad_day_duration_and_time() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: Call\n    every: weekly\n    day: someday\n    duration: soon\n    time: \"25:00\"\n",
        BODY
    ));
}

#[test]
fn days_that_do_not_fit_the_cadence() {
    insta::assert_snapshot!(diagnose(
        "cadence:\n  - activity: Call\n    every: weekly\n    day: 15\n  - activity: Plan\n    every: quarterly\n    day: week 14\n  - activity: Coaching\n    every: ad-hoc\n    day: monday\n",
        BODY
    ));
}
