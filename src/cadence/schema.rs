//! The `cadence` front matter: parsing and validation.
//!
//! ```yaml
//! cadence: quarterly              # shorthand: the page as a whole recurs
//! cadence:                        # or one entry per activity
//!   - activity: In-quarter forecast call
//!     every: weekly               # or a list: [monthly, ad-hoc]
//!     day: monday                 # weekday, day of month, or `week N`
//!     time: "10:00"               # optional: a timed event in the feed
//!     owner: Area Sales Manager
//!     attendees: [Strategic Account Executives]
//!     duration: 60m
//!     section: in-quarter-forecast-call
//! ```
//! Every problem is a [`SchemaError`] that knows what it is about; the caller
//! turns it into a diagnostic at the right line and column.

use std::collections::HashSet;

use chrono::{NaiveTime, Weekday};
use serde_json::{Map, Value};

use super::recur;
use super::vocabulary::Vocabulary;
use super::Day;
use crate::content::front_matter::json_kind;

/// The fields an activity may have.
pub const FIELDS: &[&str] = &[
    "activity",
    "every",
    "day",
    "time",
    "owner",
    "attendees",
    "duration",
    "section",
];

/// One activity as the front matter declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// Vocabulary indices, in the order written.
    pub every: Vec<usize>,
    pub day: Option<Day>,
    pub time: Option<NaiveTime>,
    pub owner: String,
    pub attendees: Vec<String>,
    /// Minutes.
    pub duration: Option<u32>,
    /// Heading id on the page.
    pub section: Option<String>,
    /// Declared with the shorthand `cadence: quarterly`.
    pub whole_page: bool,
    /// Position in the list (for locating problems).
    pub item: Option<usize>,
}

/// What is wrong with a cadence declaration, and where (item and field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("`cadence` must be a cadence such as `weekly` or a list of activities, found {found}")]
    NotAList { found: &'static str },
    #[error("unknown cadence `{word}`")]
    UnknownCadence {
        item: Option<usize>,
        word: String,
        suggestion: Option<String>,
        known: String,
    },
    #[error("activity {} must be a mapping of `activity`, `every`, `owner` ..., found {found}", .item + 1)]
    NotAnActivity { item: usize, found: &'static str },
    #[error("activity {} has no `activity` name", .item + 1)]
    MissingActivity { item: usize },
    #[error("activity `{name}` has no `every`")]
    MissingEvery { item: usize, name: String },
    #[error("`{field}` must be {expected}, found {found}")]
    WrongType {
        item: Option<usize>,
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    #[error("unknown field `{field}` in activity `{name}`")]
    UnknownField {
        item: usize,
        name: String,
        field: String,
        suggestion: Option<&'static str>,
    },
    #[error("no heading `#{id}` on this page for `section`")]
    NoSuchSection {
        item: usize,
        id: String,
        suggestion: Option<String>,
        /// The first heading ids of the page, when none is close.
        headings: Vec<String>,
    },
    #[error("`day: {text}` is not a weekday, a day of the month or a week such as `week 3`")]
    BadDay { item: usize, text: String },
    #[error("`day: {text}` does not fit {} {cadence} activity", article(cadence))]
    DayDoesNotFit {
        item: usize,
        text: String,
        cadence: String,
        reason: String,
    },
    #[error("`duration: {text}` is not a duration")]
    BadDuration { item: usize, text: String },
    #[error("`time: {text}` is not a time of day")]
    BadTime { item: usize, text: String },
}

impl SchemaError {
    /// The list item, field and text the problem is about, for locating it.
    pub fn anchor(&self) -> (Option<usize>, Option<&str>, Option<&str>) {
        match self {
            SchemaError::NotAList { .. } => (None, None, None),
            SchemaError::UnknownCadence { item, word, .. } => {
                (*item, item.map(|_| "every"), Some(word))
            }
            SchemaError::MissingActivity { item }
            | SchemaError::MissingEvery { item, .. }
            | SchemaError::NotAnActivity { item, .. } => (Some(*item), None, None),
            SchemaError::WrongType { item, field, .. } => (*item, Some(field), None),
            SchemaError::UnknownField { item, field, .. } => (Some(*item), None, Some(field)),
            SchemaError::NoSuchSection { item, id, .. } => (Some(*item), Some("section"), Some(id)),
            SchemaError::BadDay { item, text } | SchemaError::DayDoesNotFit { item, text, .. } => {
                (Some(*item), Some("day"), Some(text))
            }
            SchemaError::BadDuration { item, .. } => (Some(*item), Some("duration"), None),
            SchemaError::BadTime { item, .. } => (Some(*item), Some("time"), None),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            SchemaError::UnknownCadence { .. } => "not a cadence",
            SchemaError::MissingActivity { .. } => "this activity has no name",
            SchemaError::MissingEvery { .. } => "how often?",
            SchemaError::UnknownField { .. } => "unknown field",
            SchemaError::NoSuchSection { .. } => "no such heading",
            SchemaError::BadDay { .. } | SchemaError::DayDoesNotFit { .. } => "this day",
            _ => "",
        }
    }

    pub fn help(&self) -> Option<String> {
        match self {
            SchemaError::NotAnActivity { .. } => Some(
                "write each activity as `- activity: <name>` with `every: ...` below it".into(),
            ),
            SchemaError::NotAList { .. } => Some(
                "write `cadence: quarterly`, or a list of `- activity: ...` entries (see docs/cadence.md)".into(),
            ),
            SchemaError::UnknownCadence {
                suggestion, known, ..
            } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {known}"),
            }),
            SchemaError::MissingActivity { .. } => {
                Some("add `activity: <name>`, the name people use for it".into())
            }
            SchemaError::MissingEvery { .. } => {
                Some("add `every: weekly` (or another cadence, or a list of them)".into())
            }
            SchemaError::WrongType { field, .. } => match *field {
                "owner" => Some("name one accountable role; list the others in `attendees`".into()),
                "attendees" => Some("write a list: `attendees: [Role one, Role two]`".into()),
                _ => None,
            },
            SchemaError::UnknownField { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("an activity has the fields {}", FIELDS.join(", ")),
            }),
            SchemaError::NoSuchSection {
                suggestion,
                headings,
                ..
            } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None if headings.is_empty() => {
                    "this page has no headings; add one and name its id".into()
                }
                None => format!("the headings of this page are {}", headings.join(", ")),
            }),
            SchemaError::BadDay { .. } => Some(
                "write a weekday (`monday`), a day of the month (`15`) or a week of the period (`week 3`, `week 3 tuesday`)".into(),
            ),
            SchemaError::DayDoesNotFit { reason, .. } => Some(reason.clone()),
            SchemaError::BadDuration { .. } => {
                Some("write minutes or hours such as `30m`, `90m`, `1h` or `1h30m`".into())
            }
            SchemaError::BadTime { .. } => {
                Some("write a 24-hour time in quotes, such as `time: \"09:30\"`".into())
            }
        }
    }

    pub fn is_warning(&self) -> bool {
        false
    }
}

/// What the parser needs to know about the page.
pub struct PageFacts<'a> {
    /// The page title: the activity name of the shorthand.
    pub title: &'a str,
    /// Every id a `section` may name.
    pub anchors: &'a HashSet<&'a str>,
    /// Heading ids, in order, for suggestions.
    pub heading_ids: &'a [&'a str],
}

/// Parses the `cadence` value of a page's front matter.
pub fn parse(
    value: &Value,
    page: &PageFacts,
    vocabulary: &Vocabulary,
) -> (Vec<Entry>, Vec<SchemaError>) {
    let mut errors = Vec::new();
    let entries = match value {
        Value::Null => Vec::new(),
        Value::String(_) => shorthand(std::slice::from_ref(value), page, vocabulary, &mut errors),
        Value::Array(items) if items.iter().all(|v| v.is_string()) => {
            shorthand(items, page, vocabulary, &mut errors)
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                Value::Object(map) => entry(i, map, page, vocabulary, &mut errors),
                other => {
                    errors.push(SchemaError::NotAnActivity {
                        item: i,
                        found: json_kind(other),
                    });
                    None
                }
            })
            .collect(),
        Value::Object(map) => entry(0, map, page, vocabulary, &mut errors)
            .into_iter()
            .collect(),
        other => {
            errors.push(SchemaError::NotAList {
                found: json_kind(other),
            });
            Vec::new()
        }
    };
    (entries, errors)
}

fn shorthand(
    words: &[Value],
    page: &PageFacts,
    vocabulary: &Vocabulary,
    errors: &mut Vec<SchemaError>,
) -> Vec<Entry> {
    let every = cadences(None, words, vocabulary, errors);
    if every.is_empty() {
        return Vec::new();
    }
    vec![Entry {
        name: page.title.to_string(),
        every,
        day: None,
        time: None,
        owner: String::new(),
        attendees: Vec::new(),
        duration: None,
        section: None,
        whole_page: true,
        item: None,
    }]
}

fn cadences(
    item: Option<usize>,
    words: &[Value],
    vocabulary: &Vocabulary,
    errors: &mut Vec<SchemaError>,
) -> Vec<usize> {
    let mut out = Vec::new();
    for word in words {
        let Some(text) = scalar(word) else {
            errors.push(SchemaError::WrongType {
                item,
                field: "every",
                expected: "a cadence or a list of cadences",
                found: json_kind(word),
            });
            continue;
        };
        match vocabulary.resolve(&text) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => errors.push(SchemaError::UnknownCadence {
                item,
                suggestion: vocabulary.suggest(&text).map(str::to_string),
                known: vocabulary.keys().join(", "),
                word: text,
            }),
        }
    }
    out
}

fn entry(
    item: usize,
    map: &Map<String, Value>,
    page: &PageFacts,
    vocabulary: &Vocabulary,
    errors: &mut Vec<SchemaError>,
) -> Option<Entry> {
    let before = errors.len();
    let name = match map.get("activity") {
        None | Some(Value::Null) => None,
        Some(v) => match scalar(v) {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(_) => None,
            None => {
                errors.push(wrong_type(item, "activity", "text", v));
                Some(String::new())
            }
        },
    };
    let Some(name) = name else {
        errors.push(SchemaError::MissingActivity { item });
        return None;
    };
    for key in map.keys() {
        if !FIELDS.contains(&key.as_str()) {
            errors.push(SchemaError::UnknownField {
                item,
                name: name.clone(),
                field: key.clone(),
                suggestion: FIELDS
                    .iter()
                    .map(|f| (*f, strsim::jaro_winkler(key, f)))
                    .filter(|(_, s)| *s >= 0.8)
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(f, _)| f),
            });
        }
    }
    let every = match map.get("every") {
        None | Some(Value::Null) => {
            errors.push(SchemaError::MissingEvery {
                item,
                name: name.clone(),
            });
            Vec::new()
        }
        Some(Value::Array(words)) => cadences(Some(item), words, vocabulary, errors),
        Some(word) => cadences(Some(item), std::slice::from_ref(word), vocabulary, errors),
    };
    let day = map.get("day").filter(|v| !v.is_null()).and_then(|v| {
        let text = scalar(v);
        match text.as_deref().map(parse_day) {
            Some(Some(day)) => Some(day),
            Some(None) => {
                errors.push(SchemaError::BadDay {
                    item,
                    text: text.unwrap_or_default(),
                });
                None
            }
            None => {
                errors.push(wrong_type(
                    item,
                    "day",
                    "a weekday, a day of the month or `week N`",
                    v,
                ));
                None
            }
        }
    });
    if let (Some(day), Some(&first)) = (&day, every.first()) {
        check_day_fits(item, map, day, &every, first, vocabulary, errors);
    }
    let time = map
        .get("time")
        .filter(|v| !v.is_null())
        .and_then(|v| match scalar(v) {
            Some(text) => {
                let parsed = parse_time(&text);
                if parsed.is_none() {
                    errors.push(SchemaError::BadTime { item, text });
                }
                parsed
            }
            None => {
                errors.push(wrong_type(item, "time", "a time such as \"09:30\"", v));
                None
            }
        });
    let owner = match map.get("owner") {
        None | Some(Value::Null) => String::new(),
        Some(v) => scalar(v).unwrap_or_else(|| {
            errors.push(wrong_type(item, "owner", "one role", v));
            String::new()
        }),
    };
    let attendees = match map.get("attendees") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|v| {
                let s = scalar(v);
                if s.is_none() {
                    errors.push(wrong_type(item, "attendees", "a list of roles", v));
                }
                s
            })
            .collect(),
        Some(v) => match scalar(v) {
            Some(s) => vec![s],
            None => {
                errors.push(wrong_type(item, "attendees", "a list of roles", v));
                Vec::new()
            }
        },
    };
    let duration = map.get("duration").filter(|v| !v.is_null()).and_then(|v| {
        let text = scalar(v);
        let parsed = match v {
            Value::Number(n) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0),
            _ => text.as_deref().and_then(parse_duration),
        };
        if parsed.is_none() {
            errors.push(match text {
                Some(text) => SchemaError::BadDuration { item, text },
                None => wrong_type(item, "duration", "minutes such as `30m`", v),
            });
        }
        parsed
    });
    let section = match map.get("section") {
        None | Some(Value::Null) => None,
        Some(v) => match scalar(v) {
            Some(s) => {
                let id = s.trim().trim_start_matches('#').to_string();
                if !page.anchors.contains(id.as_str()) {
                    let suggestion = suggest_heading(&id, page.heading_ids);
                    let headings = if suggestion.is_some() {
                        Vec::new()
                    } else {
                        let mut shown: Vec<String> = page
                            .heading_ids
                            .iter()
                            .take(6)
                            .map(|h| format!("`{h}`"))
                            .collect();
                        if page.heading_ids.len() > 6 {
                            shown.push("...".into());
                        }
                        shown
                    };
                    errors.push(SchemaError::NoSuchSection {
                        item,
                        suggestion,
                        headings,
                        id: id.clone(),
                    });
                }
                Some(id)
            }
            None => {
                errors.push(wrong_type(item, "section", "a heading id", v));
                None
            }
        },
    };
    if errors.len() > before && every.is_empty() {
        return None;
    }
    Some(Entry {
        name,
        every,
        day,
        time,
        owner: owner.trim().to_string(),
        attendees,
        duration,
        section,
        whole_page: false,
        item: Some(item),
    })
}

fn check_day_fits(
    item: usize,
    map: &Map<String, Value>,
    day: &Day,
    every: &[usize],
    first: usize,
    vocabulary: &Vocabulary,
    errors: &mut Vec<SchemaError>,
) {
    let text = map.get("day").and_then(scalar).unwrap_or_default();
    let recurring = every.iter().find_map(|&i| {
        let def = vocabulary.get(i);
        def.rule().map(|rule| (def, rule))
    });
    match recurring {
        Some((def, rule)) => {
            if let Err(reason) = recur::plan(rule, Some(day), &def.label) {
                errors.push(SchemaError::DayDoesNotFit {
                    item,
                    text,
                    cadence: def.label.to_lowercase(),
                    reason,
                });
            }
        }
        None => errors.push(SchemaError::DayDoesNotFit {
            item,
            text,
            cadence: vocabulary.get(first).label.to_lowercase(),
            reason: "an activity without a schedule has no day; remove `day`".into(),
        }),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn wrong_type(item: usize, field: &'static str, expected: &'static str, v: &Value) -> SchemaError {
    SchemaError::WrongType {
        item: Some(item),
        field,
        expected,
        found: json_kind(v),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `monday`, `Mondays`, `mon`, `15`, `15th`, `week 3`, `week 3 tuesday`.
pub fn parse_day(text: &str) -> Option<Day> {
    let lower = text.trim().to_lowercase();
    if let Some(weekday) = parse_weekday(&lower) {
        return Some(Day::Weekday(weekday));
    }
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if !digits.is_empty() && digits.len() < lower.len().max(1) + 1 {
        if let Ok(n) = digits.parse::<u32>() {
            let suffix = &lower[digits.len()..];
            if (1..=31).contains(&n) && matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
                return Some(Day::MonthDay(n));
            }
        }
    }
    let rest = lower.strip_prefix("week")?.trim_start();
    let mut words = rest.split_whitespace();
    let week = words.next()?.parse::<u32>().ok().filter(|n| *n >= 1)?;
    let weekday = match words.next() {
        None => Weekday::Mon,
        Some(w) => parse_weekday(w)?,
    };
    if words.next().is_some() {
        return None;
    }
    Some(Day::Week { week, weekday })
}

pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let word = text.trim().to_lowercase();
    let word = word
        .strip_suffix('s')
        .filter(|w| w.ends_with("day"))
        .unwrap_or(&word);
    Some(match word {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// `30m`, `30 min`, `90 minutes`, `1h`, `1.5h`, `1h30m`, `45` -> minutes.
pub fn parse_duration(text: &str) -> Option<u32> {
    let compact: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if let Ok(n) = compact.parse::<u32>() {
        return (n > 0).then_some(n);
    }
    let mut total = 0f64;
    let mut number = String::new();
    let mut rest = compact.as_str();
    let mut any = false;
    while !rest.is_empty() {
        let c = rest.chars().next()?;
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            rest = &rest[1..];
            continue;
        }
        let value: f64 = number.parse().ok()?;
        number.clear();
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let factor = match unit {
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            _ => return None,
        };
        total += value * factor;
        any = true;
    }
    if !number.is_empty() || !any || !(1.0..=60.0 * 24.0 * 7.0).contains(&total) {
        return None;
    }
    Some(total.round() as u32)
}

/// `09:30`, `9:30`, `14:00`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

fn suggest_heading(id: &str, heading_ids: &[&str]) -> Option<String> {
    // A shortened id (`timing` for `timing-and-format`) is the likeliest slip.
    let mut extended = heading_ids
        .iter()
        .filter(|h| !id.is_empty() && h.starts_with(id));
    if let (Some(only), None) = (extended.next(), extended.next()) {
        return Some(only.to_string());
    }
    heading_ids
        .iter()
        .map(|h| (*h, strsim::normalized_levenshtein(id, h)))
        .filter(|(_, s)| *s >= 0.6)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(h, _)| h.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(parse_day("Monday"), Some(Day::Weekday(Weekday::Mon)));
        assert_eq!(parse_day("fridays"), Some(Day::Weekday(Weekday::Fri)));
        assert_eq!(parse_day("15"), Some(Day::MonthDay(15)));
        assert_eq!(parse_day("1st"), Some(Day::MonthDay(1)));
        assert_eq!(
            parse_day("week 3"),
            Some(Day::Week {
                week: 3,
                weekday: Weekday::Mon
            })
        );
        assert_eq!(
            parse_day("Week 6 Wednesday"),
            Some(Day::Week {
                week: 6,
                weekday: Weekday::Wed
            })
        );
        assert_eq!(parse_day("32"), None);
        assert_eq!(parse_day("someday"), None);
        assert_eq!(parse_day("week"), None);
        assert_eq!(parse_day("week 0"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60m"), Some(60));
        assert_eq!(parse_duration("90 min"), Some(90));
        assert_eq!(parse_duration("1h30m"), Some(90));
        assert_eq!(parse_duration("1.5h"), Some(90));
        assert_eq!(parse_duration("45"), Some(45));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("0m"), None);
        assert_eq!(parse_duration("m"), None);
    }
}
