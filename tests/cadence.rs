//! The operating rhythm end to end, on the real binary: the generated pages,
//! the iCalendar feeds parsed back and expanded by independent parsers, the
//! `cadence` command, validation in `check`, and legacy prose.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use common::{handbook, site};

use crate::common;

fn project() -> PathBuf {
    common::project_root()
}

fn fixture_site() -> PathBuf {
    project().join("tests/fixtures/cadence-site")
}

/// Builds the site at `root` into a new temporary folder.
fn build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    let assert = handbook()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .assert();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert.success();
    assert!(stderr.contains(" 0 error(s)"), "{stderr}");
    (out, public)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// One VEVENT as the `ical` crate reads it.
#[derive(Debug)]
struct Event {
    summary: String,
    dtstart: String,
    all_day: bool,
    rrule: Option<String>,
}

/// Parses a feed with the `ical` crate: UID -> event.
fn parse_feed(path: &Path) -> BTreeMap<String, Event> {
    let reader = std::io::BufReader::new(std::fs::File::open(path).expect("feed"));
    let mut events = BTreeMap::new();
    let mut calendars = 0;
    for calendar in ical::IcalParser::new(reader) {
        let calendar = calendar.expect("the feed parses as iCalendar");
        calendars += 1;
        for event in calendar.events {
            let value = |name: &str| {
                event
                    .properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
            };
            let all_day = event.properties.iter().any(|p| {
                p.name == "DTSTART"
                    && p.params.as_ref().is_some_and(|params| {
                        params
                            .iter()
                            .any(|(k, v)| k == "VALUE" && v.iter().any(|v| v == "DATE"))
                    })
            });
            let uid = value("UID").expect("every event has a UID");
            assert!(value("DTSTAMP").is_some(), "{uid} has a DTSTAMP");
            let previous = events.insert(
                uid.clone(),
                Event {
                    summary: value("SUMMARY").unwrap_or_default(),
                    dtstart: value("DTSTART").expect("DTSTART"),
                    all_day,
                    rrule: value("RRULE"),
                },
            );
            assert!(previous.is_none(), "UID {uid} is unique");
        }
    }
    assert_eq!(calendars, 1);
    events
}

/// The dates of `event` from `from` to `to` (inclusive), expanded by the
/// `rrule` crate.
fn expand(event: &Event, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let day = &event.dtstart[..8];
    let time = if event.all_day {
        "000000"
    } else {
        &event.dtstart[9..15]
    };
    let Some(rrule) = &event.rrule else {
        let start = NaiveDate::parse_from_str(day, "%Y%m%d").expect("date");
        return (start >= from && start <= to)
            .then_some(start)
            .into_iter()
            .collect();
    };
    let set: rrule::RRuleSet = format!("DTSTART:{day}T{time}Z\nRRULE:{rrule}")
        .parse()
        .unwrap_or_else(|e| panic!("RRULE {rrule}: {e}"));
    let end = to
        .succ_opt()
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
        .and_utc()
        .with_timezone(&rrule::Tz::UTC);
    set.before(end)
        .all(5000)
        .dates
        .into_iter()
        .map(|d| d.date_naive())
        .filter(|d| *d >= from && *d <= to)
        .collect()
}

fn dates(list: &[&str]) -> Vec<NaiveDate> {
    list.iter().map(|d| date(d)).collect()
}

fn weekdays_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    use chrono::Datelike;
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .collect()
}

/// What importing the fixture feed must give for the quarter 1 April to
/// 30 June 2025 (the rhythm starts on Wednesday 1 January 2025).
fn expected_fixture_quarter() -> BTreeMap<&'static str, Vec<NaiveDate>> {
    BTreeMap::from([
        (
            "team-rituals--stand-up@rhythm.example.com",
            weekdays_between(date("2025-04-01"), date("2025-06-30")),
        ),
        (
            "team-rituals--sprint-planning@rhythm.example.com",
            dates(&[
                "2025-04-01",
                "2025-04-15",
                "2025-04-29",
                "2025-05-13",
                "2025-05-27",
                "2025-06-10",
                "2025-06-24",
            ]),
        ),
        (
            "team-rituals--operations-review@rhythm.example.com",
            dates(&["2025-04-09", "2025-05-14", "2025-06-11"]),
        ),
        (
            "team-rituals--board-meeting@rhythm.example.com",
            dates(&["2025-04-15"]),
        ),
        (
            "team-rituals--offsite@rhythm.example.com",
            dates(&["2025-05-19"]),
        ),
    ])
}

#[test]
fn fixture_feed_has_the_expected_rrules_and_dates() {
    let (_out, public) = build(&fixture_site());
    let events = parse_feed(&public.join("cadence.ics"));
    let rrule = |uid: &str| {
        events[&format!("team-rituals--{uid}@rhythm.example.com")]
            .rrule
            .clone()
    };
    assert_eq!(
        rrule("stand-up").as_deref(),
        Some("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    );
    assert_eq!(
        rrule("sprint-planning").as_deref(),
        Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    );
    assert_eq!(
        rrule("operations-review").as_deref(),
        Some("FREQ=MONTHLY;BYDAY=2WE")
    );
    assert_eq!(
        rrule("board-meeting").as_deref(),
        Some("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15")
    );
    assert_eq!(
        rrule("offsite").as_deref(),
        Some("FREQ=YEARLY;BYMONTH=5;BYDAY=3MO")
    );
    assert_eq!(rrule("escalations"), None, "ad-hoc activities do not recur");

    let stand_up = &events["team-rituals--stand-up@rhythm.example.com"];
    assert!(
        !stand_up.all_day,
        "an activity with a time is a timed event"
    );
    assert_eq!(stand_up.dtstart, "20250101T091500");
    let escalations = &events["team-rituals--escalations@rhythm.example.com"];
    assert!(escalations.all_day);
    assert_eq!(escalations.summary, "Escalations (Ad-hoc)");

    let (from, to) = (date("2025-04-01"), date("2025-06-30"));
    let mut got: BTreeMap<&str, Vec<NaiveDate>> = BTreeMap::new();
    for (uid, event) in &events {
        let days = expand(event, from, to);
        if !days.is_empty() {
            got.insert(uid.as_str(), days);
        }
    }
    assert_eq!(got, expected_fixture_quarter());

    // One feed per owner, with only that owner's activities.
    let lead = parse_feed(&public.join("cadence/owners/team-lead.ics"));
    let uids: Vec<&str> = lead.keys().map(String::as_str).collect();
    assert_eq!(
        uids,
        [
            "team-rituals--escalations@rhythm.example.com",
            "team-rituals--sprint-planning@rhythm.example.com",
            "team-rituals--stand-up@rhythm.example.com"
        ]
    );
}

#[test]
fn fixture_feed_imports_in_python_icalendar() {
    let (_out, public) = build(&fixture_site());
    let script = project().join("tests/fixtures/cadence/expand.py");
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
    let output = std::process::Command::new("python3")
        .arg(&script)
        .arg(public.join("cadence.ics"))
        .args(["2025-04-01", "2025-06-30"])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&output.stdout).expect("JSON from expand.py");
    let got: BTreeMap<&str, Vec<NaiveDate>> = got
        .iter()
        .map(|(uid, days)| (uid.as_str(), days.iter().map(|d| date(d)).collect()))
        .collect();
    assert_eq!(got, expected_fixture_quarter());
}

#[test]
fn sample_handbook_builds_the_whole_rhythm() {
    let (_out, public) = build(&project());
    let json: serde_json::Value =
        serde_json::from_str(&read(&public.join("cadence.json"))).expect("cadence.json");
    let activities = json["activities"].as_array().expect("activities");
    assert!(activities.len() >= 15, "{} activities", activities.len());
    let keys = [
        "daily",
        "weekly",
        "bi-weekly",
        "monthly",
        "quarterly",
        "semi-annual",
        "annual",
        "ad-hoc",
        "ongoing",
    ];
    for key in keys {
        let count = activities
            .iter()
            .filter(|a| {
                a["every"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|c| c["key"] == key))
            })
            .count();
        assert!(count > 0, "no {key} activity in the sample handbook");
        let page = read(&public.join(format!("cadence/{key}/index.html")));
        assert!(
            page.contains("class=\"cadence-table\""),
            "{key} page lists activities"
        );
    }

    // The index groups from most to least frequent and links to each heading.
    let index = read(&public.join("cadence/index.html"));
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| {
            index
                .find(&format!("<h2 id=\"{k}\">"))
                .unwrap_or_else(|| panic!("{k} group"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(index.contains(
        "href=\"/pipeline/forecasting/in-quarter/#in-quarter-forecast-call\">In-quarter forecast call</a>"
    ));
    assert!(index.contains("href=\"/cadence/owners/area-sales-manager/\">Area Sales Manager</a>"));

    // The calendar: four quarters of weeks.
    let calendar = read(&public.join("cadence/calendar/index.html"));
    assert_eq!(calendar.matches("class=\"cadence-calendar\"").count(), 4);
    assert!(calendar.contains("1 Feb 2025 – 30 Apr 2025"));

    // Owners, badges on pages, the rhythm of a section.
    let owner = read(&public.join("cadence/owners/partner-manager/index.html"));
    assert!(owner.contains("Partner sync") && owner.contains("Quarterly partner plan review"));
    assert!(!owner.contains("In-quarter forecast call"));
    let page = read(&public.join("pipeline/forecasting/in-quarter/index.html"));
    assert!(
        page.contains("class=\"cadence-badge cadence-weekly\" href=\"#in-quarter-forecast-call\"")
    );
    let section = read(&public.join("customers/index.html"));
    assert!(section.contains("Rhythm of this section"));
    assert!(section.contains("Quarterly business review"));
    assert!(
        !section.contains("In-quarter forecast call"),
        "only this section's activities"
    );
    let sitemap = read(&public.join("sitemap.xml"));
    assert!(sitemap.contains("https://handbook.example.com/cadence/calendar/"));

    // The feed parses; ad-hoc and ongoing activities carry no RRULE.
    let events = parse_feed(&public.join("cadence.ics"));
    assert_eq!(events.len(), activities.len());
    for a in activities {
        let uid = format!("{}@handbook.example.com", a["id"].as_str().expect("id"));
        let event = &events[&uid];
        let rrule = a["rrule"].as_str().expect("rrule");
        assert_eq!(event.rrule.as_deref().unwrap_or(""), rrule, "{uid}");
        let scheduled = a["every"]
            .as_array()
            .expect("every")
            .iter()
            .any(|c| c["key"] != "ad-hoc" && c["key"] != "ongoing");
        assert_eq!(event.rrule.is_some(), scheduled, "{uid}");
    }
    // The second quarter of the fiscal year (May to July 2025).
    let (from, to) = (date("2025-05-01"), date("2025-07-31"));
    let quarter = |uid: &str| expand(&events[&format!("{uid}@handbook.example.com")], from, to);
    assert_eq!(
        quarter("pipeline-forecasting-in-quarter--in-quarter-forecast-call"),
        dates(&[
            "2025-05-05",
            "2025-05-12",
            "2025-05-19",
            "2025-05-26",
            "2025-06-02",
            "2025-06-09",
            "2025-06-16",
            "2025-06-23",
            "2025-06-30",
            "2025-07-07",
            "2025-07-14",
            "2025-07-21",
            "2025-07-28"
        ])
    );
    assert_eq!(
        quarter("customers-qbr--quarterly-business-review"),
        dates(&["2025-05-05"])
    );
    assert_eq!(
        quarter("pipeline-forecasting-out-of-quarter--month-2-pipeline-review"),
        dates(&["2025-06-09"])
    );
    assert_eq!(
        quarter("pipeline-win-loss-reviews--win-loss-review"),
        dates(&["2025-05-20", "2025-06-20", "2025-07-20"])
    );
    assert!(quarter("people-performance--performance-assessment").is_empty());
}

#[test]
fn cadence_command_filters_and_formats() {
    let output = handbook()
        .args(["cadence", "--root"])
        .arg(fixture_site())
        .args(["--owner", "team lead"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));

    let output = handbook()
        .args(["cadence", "--root"])
        .arg(fixture_site())
        .args(["--every", "fortnightly", "--format", "json"])
        .output()
        .expect("runs");
    let view: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let names: Vec<&str> = view["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .filter_map(|a| a["activity"].as_str())
        .collect();
    assert_eq!(names, ["Sprint planning"]);

    let output = handbook()
        .args(["cadence", "--root"])
        .arg(fixture_site())
        .args(["--every", "quarterly", "--format", "ics"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);

    handbook()
        .args(["cadence", "--root"])
        .arg(fixture_site())
        .args(["--every", "quartely"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `quarterly`?"));
}

#[test]
fn check_reports_cadence_errors_at_their_line_and_column() {
    let dir = site(&[(
        "content/planning.md",
        "---\ntitle: Planning\ncadence:\n  - activity: QBR\n    every: quartely\n    section: timing\n---\n\n## Timing and format\n",
    )]);
    let assert = handbook()
        .args(["check", "--root"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("error: unknown cadence `quartely`"),
        "{stderr}"
    );
    assert!(stderr.contains("--> planning.md:5:12"), "{stderr}");
    assert!(
        stderr.contains("help: did you mean `quarterly`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: no heading `#timing` on this page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `timing-and-format`?"),
        "{stderr}"
    );
}

#[test]
fn check_warns_about_prose_cadences() {
    let dir = site(&[
        (
            "content/legacy.md",
            "---\ntitle: Legacy\n---\n\n## Account Reviews\n- _Cadence: Monthly / Ad-hoc_\n",
        ),
        (
            "content/mixed.md",
            "---\ntitle: Mixed\ncadence:\n  - activity: Account review\n    every: monthly\n    section: account-reviews\n---\n\n## Account Reviews\n- _Cadence: Monthly / Ad-hoc_\n\n## Partner Reviews\n- _Cadence: Bi-weekly_\n",
        ),
        (
            "content/agrees.md",
            "---\ntitle: Agrees\ncadence:\n  - activity: Account review\n    every: [ad-hoc, monthly]\n    section: account-reviews\n---\n\n## Account Reviews\n- _Cadence: Monthly / Ad-hoc_\n",
        ),
    ]);
    let assert = handbook()
        .args(["check", "--root"])
        .arg(dir.path())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "warning: this page states 1 cadence(s) in prose but has no `cadence` front matter"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--> legacy.md:6:13"), "{stderr}");
    assert!(
        stderr.contains("handbook cadence --suggest legacy.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "warning: the prose says `Monthly / Ad-hoc` but the front matter says `monthly`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "prose cadence `Bi-weekly` under `Partner Reviews` has no activity in the front matter"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("agrees.md"), "{stderr}");
}

/// `cadence --suggest FILE`, pasted into FILE's front matter, validates and
/// agrees with the prose.
fn suggestion_validates(source: &Path, expected: usize) {
    let output = handbook()
        .args(["cadence", "--suggest"])
        .arg(source)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let yaml = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(yaml.matches("  - activity: ").count(), expected, "{yaml}");
    let text = read(source);
    let body_start = text[3..].find("\n---").map_or(0, |i| i + 3 + 4);
    let front = if body_start > 0 {
        &text[4..body_start - 3]
    } else {
        ""
    };
    let page = format!("---\n{front}{yaml}---{}", &text[body_start..]);
    let dir = site(&[("content/page.md", &page)]);
    let assert = handbook()
        .args(["check", "--root"])
        .arg(dir.path())
        .assert();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for problem in [
        "in prose",
        "prose says",
        "prose cadence",
        "unknown cadence",
        "for `section`",
    ] {
        assert!(
            !stderr.contains(problem),
            "the suggestion validates:\n{stderr}\n{page}"
        );
    }
    let output = handbook()
        .args(["cadence", "--format", "json", "--root"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let view: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(view["activities"].as_array().map(Vec::len), Some(expected));
}

#[test]
fn suggest_turns_prose_into_front_matter_that_validates() {
    suggestion_validates(
        &project().join("tests/fixtures/cadence/legacy-rhythm.md"),
        5,
    );
}

#[test]
fn suggest_handles_the_seed_page() {
    let seed = project().join("../shared/seeds/001_d3453d725586af5e.txt");
    if !seed.is_file() {
        common::skip(
            "HANDBOOK_REQUIRE_CORPUS",
            &format!("the seed page {} is absent", seed.display()),
        );
        return;
    }
    suggestion_validates(&seed, 14);
}

#[test]
fn bad_cadence_settings_are_config_errors() {
    let dir = site(&[
        (
            "site.toml",
            "[cadence]\nstart = 2025-02-01\n[cadence.vocabulary.six-weekly]\nrule = \"FREQ=HOURLY\"\n",
        ),
        ("content/index.md", "# Home\n"),
    ]);
    handbook()
        .args(["check", "--root"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("FREQ=HOURLY is not supported"))
        .stderr(predicates::str::contains("site.toml:4:8"));
}

#[test]
fn custom_cadences_from_site_toml() {
    let dir = site(&[
        (
            "site.toml",
            "[cadence]\nstart = 2025-01-01\n[cadence.vocabulary.six-weekly]\nlabel = \"Six-weekly\"\norder = 35\nrule = \"FREQ=WEEKLY;INTERVAL=6\"\naliases = [\"every six weeks\"]\n",
        ),
        (
            "content/index.md",
            "---\ntitle: Home\ncadence:\n  - activity: Strategy review\n    every: every six weeks\n    day: friday\n---\n",
        ),
    ]);
    let (_out, public) = build(dir.path());
    let events = parse_feed(&public.join("cadence.ics"));
    let event = &events["home--strategy-review@localhost"];
    assert_eq!(
        event.rrule.as_deref(),
        Some("FREQ=WEEKLY;INTERVAL=6;BYDAY=FR")
    );
    assert_eq!(event.dtstart, "20250103");
    assert!(public.join("cadence/six-weekly/index.html").is_file());
}

/// A site's own `cadence/calendar.html` that loops over the weeks itself
/// (`c.count > 0`, as written when every week had `count` and `dates`)
/// gets the data, both fields for the weeks without an activity, and shows
/// the same grid as the built-in one (which prints `calendar.html`).
#[test]
fn a_sites_own_calendar_template_gets_every_week_with_its_fields() {
    let built_in = project().join("themes/default/templates/cadence/calendar.html");
    let built_in_text = read(&built_in);
    assert!(built_in_text.contains("\n  {{- calendar.html | safe }}"));
    // The loop the built-in template had, as a site's copy written when
    // every week had `count` and `dates` would test them.
    let quarters = read(&project().join("tests/fixtures/cadence/calendar-quarters.html"))
        .replace("{%- if c.count %}", "{%- if c.count > 0 %}");
    let written_for_every_week = built_in_text.replace(
        "\n  {{- calendar.html | safe }}",
        &format!("\n{}", quarters.trim_end()),
    );
    assert!(written_for_every_week.contains("c.count > 0"));
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&fixture_site(), dir.path());
    let (_built_in_out, built_in_public) = build(dir.path());
    let own = dir.path().join("templates/cadence/calendar.html");
    std::fs::create_dir_all(own.parent().expect("parent")).expect("mkdir");
    std::fs::write(&own, written_for_every_week).expect("template");
    let (_own_out, own_public) = build(dir.path());
    let grid = |public: &Path| read(&public.join("cadence/calendar/index.html"));
    assert!(grid(&own_public).contains("<td class=\"cal-cell\"></td>"));
    assert_eq!(grid(&own_public), grid(&built_in_public));
}
