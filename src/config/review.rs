//! `[review]` in `site.toml`: how often pages are reviewed (the site's
//! default and per section) and what an overdue review is; and the review
//! interval itself (`6 months`), read here so a bad setting stops the build
//! like every other configuration error (`docs/owners.md`).

use std::collections::BTreeMap;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// `[review]` as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewConfig {
    /// The default interval of pages that give a review date but no
    /// interval (`6 months`); empty: none.
    pub every: String,
    /// Intervals by content folder (`"engineering" = "3 months"`): the
    /// longest folder that holds the page wins over `every`.
    pub sections: BTreeMap<String, String>,
    /// A review due within this long of today is "due soon".
    pub due_within: String,
    /// What an overdue review is in `handbook review`: `warning` (exit 0)
    /// or `error` (exit 1, as `--strict`).
    pub overdue: OverdueSeverity,
    /// The owner of pages that name none and that CODEOWNERS does not
    /// cover (tech-docs' `default_owner_slack`); empty: none.
    pub default_owner: String,
    /// Whether a page without owners of its own takes its section's, then
    /// CODEOWNERS' (`false`: its front matter's or the default owner, as
    /// tech-docs reads them).
    pub inherit_owners: bool,
    /// Whether pages show their owners and review under the title
    /// (tech-docs' `show_review_banner`); `/owners/`, the feeds and
    /// `handbook review` have them either way.
    pub show_on_pages: bool,
    /// The Slack workspace owners named `#channel` or `@person` are in
    /// (tech-docs' `owner_slack_workspace`): `/owners/` links to them.
    pub slack_workspace: String,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            every: String::new(),
            sections: BTreeMap::new(),
            due_within: "30 days".into(),
            overdue: OverdueSeverity::Warning,
            default_owner: String::new(),
            inherit_owners: true,
            show_on_pages: true,
            slack_workspace: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OverdueSeverity {
    #[default]
    Warning,
    Error,
}

/// `[review]` read and checked.
#[derive(Debug, Clone)]
pub struct ReviewSettings {
    pub every: Option<Interval>,
    /// `(content folder without slashes at either end, interval)`, longest first.
    pub sections: Vec<(String, Interval)>,
    pub due_within: Interval,
    pub overdue: OverdueSeverity,
    pub default_owner: Option<String>,
    pub inherit_owners: bool,
    pub show_on_pages: bool,
    /// A workspace name as Slack's URLs write it (`mojdt`).
    pub slack_workspace: Option<String>,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings {
            every: None,
            sections: Vec::new(),
            due_within: Interval::Days(30),
            overdue: OverdueSeverity::Warning,
            default_owner: None,
            inherit_owners: true,
            show_on_pages: true,
            slack_workspace: None,
        }
    }
}

impl ReviewSettings {
    /// Reads the intervals; an error names the key and the value.
    pub fn from_config(config: &ReviewConfig) -> Result<ReviewSettings, String> {
        let read = |key: &str, text: &str| {
            Interval::parse(text).ok_or_else(|| {
                format!(
                    "[review] {key} = \"{text}\" is not an interval (write it as `6 months`, `1 year`, `2 weeks` or `90 days`)"
                )
            })
        };
        let every = match config.every.trim() {
            "" => None,
            text => Some(read("every", text)?),
        };
        let mut sections = config
            .sections
            .iter()
            .map(|(dir, text)| {
                let interval = read(&format!("sections.\"{dir}\""), text)?;
                Ok((dir.trim_matches('/').to_string(), interval))
            })
            .collect::<Result<Vec<_>, String>>()?;
        sections.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(ReviewSettings {
            every,
            sections,
            due_within: read("due_within", &config.due_within)?,
            overdue: config.overdue,
            default_owner: Some(config.default_owner.trim().to_string()).filter(|o| !o.is_empty()),
            inherit_owners: config.inherit_owners,
            show_on_pages: config.show_on_pages,
            slack_workspace: slack_workspace(&config.slack_workspace)?,
        })
    }

    /// Where to message `owner` when it names a Slack channel (`#team`) or
    /// person (`@name`) and the workspace is known: tech-docs' link,
    /// `https://WORKSPACE.slack.com/messages/team`.
    pub fn slack_url(&self, owner: &str) -> Option<String> {
        let workspace = self.slack_workspace.as_deref()?;
        let id = owner.trim().strip_prefix(['#', '@'])?.trim();
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        valid.then(|| format!("https://{workspace}.slack.com/messages/{id}"))
    }

    /// The default interval of a page in content folder `dir`.
    pub fn interval_for(&self, dir: &str) -> Option<Interval> {
        self.sections
            .iter()
            .find(|(prefix, _)| {
                prefix.is_empty()
                    || dir == prefix
                    || dir
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(_, interval)| *interval)
            .or(self.every)
    }
}

/// `slack_workspace` checked: the name Slack's URLs use (`mojdt`, or
/// `mojdt.slack.com` as people copy it).
fn slack_workspace(text: &str) -> Result<Option<String>, String> {
    let name = text.trim().trim_start_matches("https://");
    let name = name.trim_end_matches('/').trim_end_matches(".slack.com");
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(Some(name.to_ascii_lowercase()))
    } else {
        Err(format!(
            "[review] slack_workspace = \"{text}\" is not a Slack workspace name (write it as in its address: `mojdt` for mojdt.slack.com)"
        ))
    }
}

/// A review interval: `6 months`, `1 year`, `2 weeks`, `90 days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Interval {
    Days(u32),
    Months(u32),
}

impl Interval {
    /// Reads `6 months`, `6months`, `1 year`, `3 weeks`, `90 days`, `90d`,
    /// `2w`, `6mo`, `1y` (case and spacing do not matter).
    pub fn parse(text: &str) -> Option<Interval> {
        let text = text.trim().to_ascii_lowercase();
        let digits_end = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(digits_end);
        let number: u32 = match number {
            "" => match unit.split_whitespace().next() {
                Some("a" | "an" | "one") => 1,
                _ => return None,
            },
            n => n.parse().ok()?,
        };
        let unit = match unit.trim().split_once(' ') {
            Some(("a" | "an" | "one", rest)) => rest.trim(),
            _ => unit.trim(),
        };
        if number == 0 {
            return None;
        }
        Some(match unit {
            "d" | "day" | "days" => Interval::Days(number),
            "w" | "wk" | "wks" | "week" | "weeks" => Interval::Days(number.checked_mul(7)?),
            // Chronic (tech-docs' `review_in`) reads fortnights too.
            "fortnight" | "fortnights" => Interval::Days(number.checked_mul(14)?),
            "mo" | "mon" | "month" | "months" => Interval::Months(number),
            "y" | "yr" | "yrs" | "year" | "years" => Interval::Months(number.checked_mul(12)?),
            _ => return None,
        })
    }

    /// `date` plus the interval. Months land on the same day of the month,
    /// or on the month's last day when it is shorter (31 Jan + 1 month =
    /// 28 Feb, or 29 Feb in a leap year; 29 Feb + 1 year = 28 Feb).
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Interval::Days(n) => date.checked_add_days(Days::new(u64::from(n))),
            Interval::Months(n) => date.checked_add_months(Months::new(n)),
        }
    }

    /// How `site.toml` and the pages write it back.
    pub fn describe(self) -> String {
        match self {
            Interval::Days(n) if n % 7 == 0 => plural(n / 7, "week"),
            Interval::Days(n) => plural(n, "day"),
            Interval::Months(n) if n % 12 == 0 => plural(n / 12, "year"),
            Interval::Months(n) => plural(n, "month"),
        }
    }
}

fn plural(n: u32, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn intervals_read_the_ways_people_write_them() {
        for (text, expected) in [
            ("6 months", Interval::Months(6)),
            ("6months", Interval::Months(6)),
            ("1 Month", Interval::Months(1)),
            ("1 year", Interval::Months(12)),
            ("2 years", Interval::Months(24)),
            ("3 weeks", Interval::Days(21)),
            ("6 month", Interval::Months(6)),
            ("2 fortnights", Interval::Days(28)),
            ("90 days", Interval::Days(90)),
            ("90d", Interval::Days(90)),
            ("2w", Interval::Days(14)),
            ("6mo", Interval::Months(6)),
            ("1y", Interval::Months(12)),
            ("a year", Interval::Months(12)),
            ("one month", Interval::Months(1)),
        ] {
            assert_eq!(Interval::parse(text), Some(expected), "{text}");
        }
        for bad in ["", "six months", "0 days", "6", "6 eons", "-1 month", "6 m"] {
            assert_eq!(Interval::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_land_on_the_last_day_of_shorter_months() {
        let cases = [
            ("2024-01-31", Interval::Months(1), "2024-02-29"), // leap year
            ("2025-01-31", Interval::Months(1), "2025-02-28"),
            ("2100-01-31", Interval::Months(1), "2100-02-28"), // not a leap year
            ("2000-01-31", Interval::Months(1), "2000-02-29"), // a leap year
            ("2024-03-31", Interval::Months(1), "2024-04-30"),
            ("2024-08-31", Interval::Months(6), "2025-02-28"),
            ("2024-02-29", Interval::Months(12), "2025-02-28"),
            ("2024-02-29", Interval::Months(48), "2028-02-29"),
            ("2024-10-21", Interval::Months(6), "2025-04-21"),
            ("2024-12-31", Interval::Days(1), "2025-01-01"),
            ("2024-02-28", Interval::Days(1), "2024-02-29"),
            ("2024-11-30", Interval::Months(3), "2025-02-28"),
        ];
        for (from, interval, to) in cases {
            assert_eq!(
                interval.after(d(from)),
                Some(d(to)),
                "{from} + {interval:?}"
            );
        }
        assert_eq!(Interval::Months(u32::MAX).after(d("2024-01-01")), None);
    }

    #[test]
    fn section_intervals_win_over_the_site_default() {
        let config: ReviewConfig = toml::from_str(
            "every = \"1 year\"\n[sections]\n\"people\" = \"3 months\"\n\"people/hiring/\" = \"1 month\"\n",
        )
        .expect("toml");
        let settings = ReviewSettings::from_config(&config).expect("valid");
        assert_eq!(
            settings.interval_for("people/hiring/x"),
            Some(Interval::Months(1))
        );
        assert_eq!(settings.interval_for("people"), Some(Interval::Months(3)));
        assert_eq!(settings.interval_for("peoples"), Some(Interval::Months(12)));
        assert_eq!(settings.interval_for(""), Some(Interval::Months(12)));
        let bad: ReviewConfig = toml::from_str("every = \"sometimes\"").expect("toml");
        let error = ReviewSettings::from_config(&bad).unwrap_err();
        assert!(error.contains("[review] every = \"sometimes\""), "{error}");
        assert_eq!(Interval::Months(6).describe(), "6 months");
        assert_eq!(Interval::Days(14).describe(), "2 weeks");
        assert_eq!(Interval::Months(12).describe(), "1 year");
    }

    #[test]
    fn slack_workspaces_as_people_copy_them() {
        let read = |text: &str| {
            let config: ReviewConfig =
                toml::from_str(&format!("slack_workspace = \"{text}\"")).expect("toml");
            ReviewSettings::from_config(&config).map(|s| s.slack_workspace)
        };
        assert_eq!(read("mojdt"), Ok(Some("mojdt".into())));
        assert_eq!(read("https://GDS.slack.com/"), Ok(Some("gds".into())));
        assert_eq!(read(""), Ok(None));
        let error = read("my team").unwrap_err();
        assert!(
            error.contains("[review] slack_workspace = \"my team\""),
            "{error}"
        );
    }
}
