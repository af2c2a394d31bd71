//! The cadence vocabulary: which words `every:` accepts, how they are labelled,
//! in which order they are listed and how each one recurs.
//!
//! The built-in vocabulary (daily ... ongoing) can be changed and extended in
//! `site.toml` under `[cadence.vocabulary.KEY]`; see `docs/cadence.md`.

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::config::CadenceConfig;

/// Keys that name generated pages under `/cadence/` and so cannot be cadences.
pub const RESERVED_KEYS: &[&str] = &["calendar", "owners"];

/// How often a recurring cadence repeats, as the `FREQ` of an RRULE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Freq {
    pub fn as_str(self) -> &'static str {
        match self {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
            Freq::Yearly => "YEARLY",
        }
    }
}

/// A recurrence rule as written in `site.toml`: the `FREQ`, `INTERVAL` and (for
/// daily cadences) `BYDAY` parts of an RRULE. The rest of the RRULE comes from
/// each activity's `day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub freq: Freq,
    pub interval: u32,
    /// The weekdays a daily cadence falls on (empty: every day).
    pub weekdays: Vec<Weekday>,
}

impl Rule {
    /// Months from one occurrence period to the next (monthly and yearly rules).
    pub fn period_months(&self) -> u32 {
        match self.freq {
            Freq::Monthly => self.interval,
            Freq::Yearly => 12 * self.interval,
            Freq::Daily | Freq::Weekly => 0,
        }
    }
}

/// `rule = "..."` in `site.toml`: an RRULE subset, or `none` for cadences that
/// do not recur on a schedule (ad-hoc, ongoing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    None,
    Every(Rule),
}

impl TryFrom<String> for Recurrence {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        parse_rule(&text)
    }
}

impl From<Recurrence> for String {
    fn from(r: Recurrence) -> String {
        r.to_string()
    }
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recurrence::None => f.write_str("none"),
            Recurrence::Every(rule) => {
                write!(f, "FREQ={}", rule.freq.as_str())?;
                if rule.interval > 1 {
                    write!(f, ";INTERVAL={}", rule.interval)?;
                }
                if !rule.weekdays.is_empty() {
                    let days: Vec<&str> = rule.weekdays.iter().map(|d| ical_day(*d)).collect();
                    write!(f, ";BYDAY={}", days.join(","))?;
                }
                Ok(())
            }
        }
    }
}

impl Serialize for Recurrence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Recurrence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_rule(&text).map_err(serde::de::Error::custom)
    }
}

fn parse_rule(text: &str) -> Result<Recurrence, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("none") {
        return Ok(Recurrence::None);
    }
    let body = trimmed
        .strip_prefix("RRULE:")
        .or_else(|| trimmed.strip_prefix("rrule:"))
        .unwrap_or(trimmed);
    let mut freq = None;
    let mut interval = 1;
    let mut weekdays = Vec::new();
    for part in body.split(';').filter(|p| !p.trim().is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}` is not NAME=VALUE"))?;
        match name.trim().to_ascii_uppercase().as_str() {
            "FREQ" => {
                freq = Some(match value.trim().to_ascii_uppercase().as_str() {
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    "YEARLY" => Freq::Yearly,
                    other => {
                        return Err(format!(
                            "FREQ={other} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"
                        ))
                    }
                })
            }
            "INTERVAL" => {
                interval = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=120).contains(n))
                    .ok_or_else(|| {
                        format!("INTERVAL must be a whole number from 1 to 120, found `{value}`")
                    })?
            }
            "BYDAY" => {
                for day in value.split(',') {
                    weekdays.push(parse_ical_day(day.trim()).ok_or_else(|| {
                        format!("BYDAY takes weekdays such as MO,TU,WE,TH,FR; found `{day}`")
                    })?);
                }
            }
            other => {
                return Err(format!(
                    "{other} is not supported in a cadence rule: give FREQ and INTERVAL (and BYDAY for daily cadences); the day comes from each activity's `day`"
                ))
            }
        }
    }
    let freq = freq.ok_or_else(|| format!("`{text}` has no FREQ; write e.g. FREQ=WEEKLY"))?;
    if !weekdays.is_empty() && freq != Freq::Daily {
        return Err("BYDAY is only allowed in daily rules; other cadences take the weekday from each activity's `day`".into());
    }
    Ok(Recurrence::Every(Rule {
        freq,
        interval,
        weekdays,
    }))
}

/// The first day of the year the rhythm counts from (`[cadence] start`): a TOML
/// date (`start = 2025-02-01`) or the same as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartDate(pub NaiveDate);

impl Serialize for StartDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%Y-%m-%d").to_string())
    }
}

impl<'de> Deserialize<'de> for StartDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::Value::deserialize(d)?;
        let date = match &value {
            toml::Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(date), None) => NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                ),
                _ => None,
            },
            toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
            _ => None,
        };
        date.map(StartDate)
            .ok_or_else(|| D::Error::custom("`start` must be a date such as 2025-02-01"))
    }
}

/// One cadence of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CadenceDef {
    pub key: String,
    pub label: String,
    /// Listing order: most frequent first.
    pub order: i64,
    #[serde(serialize_with = "serialize_recurrence")]
    pub rule: Recurrence,
    pub aliases: Vec<String>,
}

fn serialize_recurrence<S: Serializer>(r: &Recurrence, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Recurrence::None => s.serialize_none(),
        Recurrence::Every(_) => s.serialize_str(&r.to_string()),
    }
}

impl CadenceDef {
    pub fn rule(&self) -> Option<&Rule> {
        match &self.rule {
            Recurrence::Every(rule) => Some(rule),
            Recurrence::None => None,
        }
    }
}

/// The cadences a site knows, in listing order, with every accepted spelling.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    defs: Vec<CadenceDef>,
    /// Normalized spelling -> index into `defs`.
    lookup: HashMap<String, usize>,
}

/// The built-in vocabulary: key, label, order, rule, extra spellings.
const DEFAULTS: &[(&str, &str, i64, &str, &[&str])] = &[
    (
        "daily",
        "Daily",
        10,
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        &[
            "every day",
            "each day",
            "every working day",
            "every business day",
        ],
    ),
    (
        "weekly",
        "Weekly",
        20,
        "FREQ=WEEKLY",
        &["every week", "each week", "once a week"],
    ),
    (
        "bi-weekly",
        "Bi-weekly",
        30,
        "FREQ=WEEKLY;INTERVAL=2",
        &[
            "biweekly",
            "fortnightly",
            "every two weeks",
            "every 2 weeks",
            "every other week",
        ],
    ),
    (
        "monthly",
        "Monthly",
        40,
        "FREQ=MONTHLY",
        &["every month", "each month", "once a month"],
    ),
    (
        "quarterly",
        "Quarterly",
        50,
        "FREQ=MONTHLY;INTERVAL=3",
        &["every quarter", "each quarter", "once a quarter"],
    ),
    (
        "semi-annual",
        "Semi-annual",
        60,
        "FREQ=MONTHLY;INTERVAL=6",
        &[
            "semiannual",
            "semi-annually",
            "semiannually",
            "twice a year",
            "twice yearly",
            "half-yearly",
            "every six months",
            "every 6 months",
            "biannual",
            "biannually",
        ],
    ),
    (
        "annual",
        "Annual",
        70,
        "FREQ=YEARLY",
        &["annually", "yearly", "every year", "once a year"],
    ),
    (
        "ad-hoc",
        "Ad-hoc",
        80,
        "none",
        &["adhoc", "as needed", "on demand", "when needed"],
    ),
    (
        "ongoing",
        "Ongoing",
        90,
        "none",
        &["continuous", "continuously", "always"],
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum VocabularyError {
    #[error("[cadence.vocabulary.{key}]: `{key}` is not a valid cadence key; use lowercase letters, digits and `-`")]
    BadKey { key: String },
    #[error("[cadence.vocabulary.{key}]: `{key}` names a generated page under /cadence/; choose another key")]
    ReservedKey { key: String },
    #[error("[cadence.vocabulary.{key}]: a new cadence needs a `rule` (e.g. rule = \"FREQ=WEEKLY;INTERVAL=3\", or \"none\")")]
    MissingRule { key: String },
    #[error("[cadence] the spelling `{spelling}` names both `{first}` and `{second}`")]
    Ambiguous {
        spelling: String,
        first: String,
        second: String,
    },
    #[error(
        "[cadence] defaults = false and no [cadence.vocabulary.KEY] tables: no cadence is left"
    )]
    Empty,
}

impl Default for Vocabulary {
    /// The built-in vocabulary (which is always valid).
    fn default() -> Self {
        Vocabulary::from_config(&CadenceConfig::default()).unwrap_or_else(|_| Vocabulary::empty())
    }
}

impl Vocabulary {
    fn empty() -> Vocabulary {
        Vocabulary {
            defs: Vec::new(),
            lookup: HashMap::new(),
        }
    }

    /// The built-in vocabulary changed and extended by `[cadence]`.
    pub fn from_config(config: &CadenceConfig) -> Result<Vocabulary, VocabularyError> {
        let mut defs: Vec<CadenceDef> = if config.defaults {
            DEFAULTS
                .iter()
                .map(|(key, label, order, rule, aliases)| CadenceDef {
                    key: (*key).into(),
                    label: (*label).into(),
                    order: *order,
                    rule: parse_rule(rule).unwrap_or(Recurrence::None),
                    aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
                })
                .collect()
        } else {
            Vec::new()
        };
        for (key, setting) in &config.vocabulary {
            if normalize(key) != *key || key.is_empty() {
                return Err(VocabularyError::BadKey { key: key.clone() });
            }
            if RESERVED_KEYS.contains(&key.as_str()) {
                return Err(VocabularyError::ReservedKey { key: key.clone() });
            }
            match defs.iter_mut().find(|d| d.key == *key) {
                Some(def) => {
                    if let Some(label) = &setting.label {
                        def.label = label.clone();
                    }
                    if let Some(order) = setting.order {
                        def.order = order;
                    }
                    if let Some(rule) = &setting.rule {
                        def.rule = rule.clone();
                    }
                    def.aliases.extend(setting.aliases.iter().cloned());
                }
                None => {
                    let rule = setting
                        .rule
                        .clone()
                        .ok_or_else(|| VocabularyError::MissingRule { key: key.clone() })?;
                    let order = setting
                        .order
                        .unwrap_or_else(|| defs.iter().map(|d| d.order).max().unwrap_or(0) + 10);
                    defs.push(CadenceDef {
                        key: key.clone(),
                        label: setting.label.clone().unwrap_or_else(|| title_case(key)),
                        order,
                        rule,
                        aliases: setting.aliases.clone(),
                    });
                }
            }
        }
        if defs.is_empty() {
            return Err(VocabularyError::Empty);
        }
        Vocabulary::from_defs(defs)
    }

    fn from_defs(mut defs: Vec<CadenceDef>) -> Result<Vocabulary, VocabularyError> {
        defs.sort_by(|a, b| (a.order, &a.key).cmp(&(b.order, &b.key)));
        let mut lookup: HashMap<String, usize> = HashMap::new();
        // Keys and labels first, so a user's alias cannot shadow a key silently.
        for (i, def) in defs.iter().enumerate() {
            for spelling in [&def.key, &def.label].into_iter().chain(&def.aliases) {
                let normalized = normalize(spelling);
                match lookup.get(&normalized) {
                    Some(&j) if j != i => {
                        return Err(VocabularyError::Ambiguous {
                            spelling: spelling.clone(),
                            first: defs[j].key.clone(),
                            second: def.key.clone(),
                        })
                    }
                    _ => {
                        lookup.insert(normalized, i);
                    }
                }
            }
        }
        Ok(Vocabulary { defs, lookup })
    }

    /// Every cadence, most frequent first.
    pub fn defs(&self) -> &[CadenceDef] {
        &self.defs
    }

    pub fn get(&self, index: usize) -> &CadenceDef {
        &self.defs[index]
    }

    /// The cadence a word names (`Bi-Weekly`, `fortnightly`, `twice a year`).
    pub fn resolve(&self, word: &str) -> Option<usize> {
        self.lookup.get(&normalize(word)).copied()
    }

    /// The closest known spelling to an unknown word, for "did you mean".
    pub fn suggest(&self, word: &str) -> Option<&str> {
        let wanted = normalize(word);
        let mut best: Option<(&str, f64)> = None;
        for (spelling, &i) in &self.lookup {
            let score = strsim::jaro_winkler(&wanted, spelling);
            if score >= 0.8 && best.is_none_or(|(_, s)| score > s) {
                best = Some((self.defs[i].key.as_str(), score));
            }
        }
        best.map(|(key, _)| key)
    }

    /// The keys, for help texts.
    pub fn keys(&self) -> Vec<&str> {
        self.defs.iter().map(|d| d.key.as_str()).collect()
    }
}

/// Lowercase, with spaces and underscores as `-`: `Semi Annual` -> `semi-annual`.
pub fn normalize(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.trim().chars() {
        let c = if c == ' ' || c == '_' || c == '\t' {
            '-'
        } else {
            c
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn title_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for (i, c) in key.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn ical_day(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

fn parse_ical_day(text: &str) -> Option<Weekday> {
    Some(match text.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// The start of the rhythm: `[cadence] start`, else January 1 of this year.
pub fn start_date(config: &CadenceConfig) -> NaiveDate {
    match config.start {
        Some(StartDate(date)) => date,
        None => {
            let today = chrono::Utc::now().date_naive();
            NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(toml_text: &str) -> Result<Vocabulary, VocabularyError> {
        let config: CadenceConfig = toml::from_str(toml_text).unwrap();
        Vocabulary::from_config(&config)
    }

    #[test]
    fn common_spellings_resolve() {
        let v = Vocabulary::default();
        let key = |w: &str| v.resolve(w).map(|i| v.get(i).key.as_str());
        assert_eq!(key("biweekly"), Some("bi-weekly"));
        assert_eq!(key("Bi-Weekly"), Some("bi-weekly"));
        assert_eq!(key("annually"), Some("annual"));
        assert_eq!(key("yearly"), Some("annual"));
        assert_eq!(key("semi-annually"), Some("semi-annual"));
        assert_eq!(key("twice a year"), Some("semi-annual"));
        assert_eq!(key("Ad hoc"), Some("ad-hoc"));
        assert_eq!(key("Ad-hoc"), Some("ad-hoc"));
        assert_eq!(key("quartely"), None);
        assert_eq!(v.suggest("quartely"), Some("quarterly"));
        assert_eq!(v.suggest("xyz"), None);
    }

    #[test]
    fn order_is_most_frequent_first() {
        assert_eq!(
            Vocabulary::default().keys(),
            [
                "daily",
                "weekly",
                "bi-weekly",
                "monthly",
                "quarterly",
                "semi-annual",
                "annual",
                "ad-hoc",
                "ongoing"
            ]
        );
    }

    #[test]
    fn site_toml_changes_and_extends_the_vocabulary() {
        let v = vocabulary(
            "[vocabulary.weekly]\nlabel = \"Every week\"\n\
             [vocabulary.six-weekly]\nlabel = \"Six-weekly\"\norder = 35\nrule = \"FREQ=WEEKLY;INTERVAL=6\"\naliases = [\"every six weeks\"]\n",
        )
        .unwrap();
        let six = v.resolve("every six weeks").unwrap();
        assert_eq!(v.get(six).key, "six-weekly");
        assert_eq!(v.get(six).rule.to_string(), "FREQ=WEEKLY;INTERVAL=6");
        assert_eq!(v.keys()[3], "six-weekly");
        assert_eq!(v.get(v.resolve("weekly").unwrap()).label, "Every week");
    }

    #[test]
    fn bad_settings_are_errors() {
        assert!(matches!(
            vocabulary("[vocabulary.new]\nlabel = \"New\"\n"),
            Err(VocabularyError::MissingRule { .. })
        ));
        assert!(matches!(
            vocabulary("[vocabulary.calendar]\nrule = \"none\"\n"),
            Err(VocabularyError::ReservedKey { .. })
        ));
        assert!(matches!(
            vocabulary("[vocabulary.Weekly]\nrule = \"none\"\n"),
            Err(VocabularyError::BadKey { .. })
        ));
        assert!(matches!(
            vocabulary("[vocabulary.monthly]\naliases = [\"weekly\"]\n"),
            Err(VocabularyError::Ambiguous { .. })
        ));
        let err = toml::from_str::<CadenceConfig>("[vocabulary.x]\nrule = \"FREQ=HOURLY\"\n")
            .unwrap_err();
        assert!(err.message().contains("HOURLY"), "{}", err.message());
        let err =
            toml::from_str::<CadenceConfig>("[vocabulary.x]\nrule = \"FREQ=WEEKLY;BYDAY=MO\"\n")
                .unwrap_err();
        assert!(
            err.message().contains("only allowed in daily"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn start_accepts_a_toml_date_or_a_string() {
        let a: CadenceConfig = toml::from_str("start = 2025-02-01").unwrap();
        let b: CadenceConfig = toml::from_str("start = \"2025-02-01\"").unwrap();
        assert_eq!(a.start, b.start);
        assert_eq!(start_date(&a), NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
        let text = "start = \"first of feb\"";
        let err = toml::from_str::<CadenceConfig>(text).unwrap_err();
        assert!(
            err.message().contains("must be a date"),
            "{}",
            err.message()
        );
        assert_eq!(err.span().map(|s| &text[s]), Some("\"first of feb\""));
    }
}
