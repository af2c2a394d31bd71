//! A page's owner and review fields in its front matter, read and checked:
//! every problem is a diagnostic at the field's value (file:line:col).

use std::ops::Range;

use chrono::NaiveDate;
use serde_json::Value;

use super::review::{parse_date, Interval};
use super::PageReview;
use crate::config::review::ReviewSettings;
use crate::content::{front_matter, Page};
use crate::diagnostics::{Diagnostic, LineIndex, Severity};

/// The fields read here, in the order their owners are listed.
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "owner",
    "owners",
    "maintainers",
    "owner_slack",
    "last_reviewed_on",
    "reviewed",
    "review_in",
    "review_by",
];

const OWNER_KEYS: &[&str] = &["owner", "owners", "maintainers", "owner_slack"];

/// What one page's front matter says.
pub(super) struct Declared {
    /// The first field that names owners, and every owner the fields name.
    pub owners: Option<(&'static str, Vec<String>)>,
    pub review: Option<PageReview>,
    pub diagnostics: Vec<Diagnostic>,
}

pub(super) fn read(page: &Page, settings: &ReviewSettings) -> Declared {
    let extra = &page.front.extra;
    let mut declared = Declared {
        owners: None,
        review: None,
        diagnostics: Vec::new(),
    };
    if !FRONT_MATTER_KEYS.iter().any(|k| extra.contains_key(*k)) {
        return declared;
    }
    let mut lines: Option<LineIndex> = None;
    let mut at_field = |severity: Severity, key: &str, message: String, help: &str| {
        let span = value_span(page, key);
        let lines = lines.get_or_insert_with(|| LineIndex::new(&page.text));
        let mut d = Diagnostic::new(severity, "review", message)
            .in_file(page.rel_path.clone())
            .at_location(lines.location(&page.text, span));
        if !help.is_empty() {
            d = d.with_help(help.to_string());
        }
        d
    };
    let mut names: Vec<String> = Vec::new();
    let mut first_key = None;
    for &key in OWNER_KEYS {
        let Some(value) = extra.get(key) else {
            continue;
        };
        match owner_names(value) {
            Some(found) => {
                if !found.is_empty() && first_key.is_none() {
                    first_key = Some(key);
                }
                for name in found {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            None => declared.diagnostics.push(
                at_field(
                    Severity::Error,
                    key,
                    format!(
                        "`{key}` must be a name or a list of names, not {}",
                        front_matter::json_kind(value)
                    ),
                    "write `owner: Team name` or `owners: [Team A, Team B]`",
                )
                .with_label("not an owner"),
            ),
        }
    }
    if let Some(key) = first_key {
        declared.owners = Some((key, names));
    }

    let mut date = |key: &'static str| -> Option<(NaiveDate, &'static str)> {
        let value = extra.get(key)?;
        match date_text(value).and_then(parse_date) {
            Some(date) => Some((date, key)),
            None => {
                declared.diagnostics.push(
                    at_field(
                        Severity::Error,
                        key,
                        format!("`{key}` is not a date: {}", shown(value)),
                        "write the date as YYYY-MM-DD, e.g. 2024-10-21",
                    )
                    .with_label("not a date"),
                );
                None
            }
        }
    };
    let reviewed = date("last_reviewed_on").or_else(|| date("reviewed"));
    let review_by = date("review_by");
    let interval = match extra.get("review_in") {
        None => None,
        Some(value) => match value.as_str().and_then(Interval::parse) {
            Some(interval) => Some(interval),
            None => {
                declared.diagnostics.push(
                    at_field(
                        Severity::Error,
                        "review_in",
                        format!("`review_in` is not an interval: {}", shown(value)),
                        "write it as `6 months`, `1 year`, `2 weeks` or `90 days`",
                    )
                    .with_label("not an interval"),
                );
                None
            }
        },
    };
    if interval.is_some() && reviewed.is_none() && !extra.contains_key("last_reviewed_on") {
        declared.diagnostics.push(
            at_field(
                Severity::Warning,
                "review_in",
                "`review_in` has no review date to count from".into(),
                "add `last_reviewed_on: YYYY-MM-DD` (the day of the last review)",
            )
            .with_label("from when?"),
        );
    }
    let interval = interval.or_else(|| settings.interval_for(page.dir()));
    let due = match (review_by, reviewed, interval) {
        (Some((by, _)), _, _) => Some(by),
        (None, Some((on, _)), Some(interval)) => interval.after(on),
        _ => None,
    };
    if let (Some((by, _)), Some((on, _))) = (review_by, reviewed) {
        if by < on {
            declared.diagnostics.push(
                at_field(
                    Severity::Warning,
                    "review_by",
                    format!("`review_by` ({by}) is before the last review ({on})"),
                    "",
                )
                .with_label("before the review"),
            );
        }
    }
    let dated_by = reviewed.or(review_by).map(|(_, key)| key);
    if let Some(key) = dated_by {
        // Front matter is at the top: counting its lines is cheap.
        let start = value_span(page, key).start.min(page.text.len());
        let line = 1 + page.text.as_bytes()[..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        declared.review = Some(PageReview {
            reviewed: reviewed.map(|(d, _)| d),
            due,
            interval: if review_by.is_some() { None } else { interval },
            status: None,
            line,
        });
    }
    declared
}

/// The names an owner field gives: a string, a list of strings, or a list
/// of mappings with a `name` (Hugo and Backstage write maintainers so).
/// `None`: the value is of the wrong kind.
fn owner_names(value: &Value) -> Option<Vec<String>> {
    let one = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Object(map) => map
                .get("name")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_string()),
            _ => None,
        }
    };
    let names = match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(one).collect::<Option<Vec<_>>>()?,
        Value::String(text) if text.contains(',') => text
            .split(',')
            .map(|s| s.trim().to_string())
            .collect::<Vec<_>>(),
        other => vec![one(other)?],
    };
    Some(names.into_iter().filter(|n| !n.is_empty()).collect())
}

/// A date as front matter holds it: text, or a TOML date (a one-entry
/// table in the JSON the front matter is read into).
fn date_text(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(map) if map.len() == 1 => map.values().next()?.as_str(),
        _ => None,
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("a {}", front_matter::json_kind(other)),
    }
}

/// The value of top-level `key:` in the front matter (the key itself when
/// the value is not on its line).
fn value_span(page: &Page, key: &str) -> Range<usize> {
    let text = &page.text;
    let key_span = front_matter::key_span(text, &page.split.front, key);
    if key_span.is_empty() {
        return key_span;
    }
    let line_end = text[key_span.end..]
        .find('\n')
        .map_or(text.len(), |i| key_span.end + i);
    let rest = &text[key_span.end..line_end];
    let Some(colon) = rest.find(':') else {
        return key_span;
    };
    let after = &rest[colon + 1..];
    let value = after.split(" #").next().unwrap_or("").trim();
    if value.is_empty() {
        return key_span;
    }
    let start = key_span.end + colon + 1 + (after.len() - after.trim_start().len());
    start..start + value.len()
}
