//! A page's review: when it was last reviewed and when the next review is
//! due, from its front matter (`last_reviewed_on` + `review_in`, as GOV.UK
//! tech-docs writes them; `reviewed` and `review_by`) and the default
//! interval of its section or the site (`[review]` in `site.toml`).
//!
//! Nothing here reads the clock: whatever depends on the day takes `today`.

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::config::review::Interval;

/// Reads a date as front matter holds it: `2024-10-21`, or the date part
/// of a date and time (`2024-10-21T09:00:00Z`, `2024-10-21 09:00`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let day = text.get(..10).unwrap_or(text);
    let rest = text.get(10..).unwrap_or("");
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Where a review stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Overdue,
    DueSoon,
    Current,
}

impl Status {
    /// Due before `today`: overdue; due within `window` of `today`
    /// (inclusive): due soon.
    pub fn on(due: NaiveDate, today: NaiveDate, window: Interval) -> Status {
        if due < today {
            Status::Overdue
        } else if window.after(today).is_none_or(|limit| due <= limit) {
            Status::DueSoon
        } else {
            Status::Current
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::DueSoon => "due-soon",
            Status::Current => "current",
        }
    }
}

/// `21 Oct 2024`, as pages show dates: written out, not through chrono's
/// format string, which is read again on every call (every page of a site
/// shows two dates).
pub fn human_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    use std::fmt::Write;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if !(0..10_000).contains(&date.year()) {
        return date.format("%-d %b %Y").to_string();
    }
    let month = MONTHS.get(date.month0() as usize).copied().unwrap_or("");
    let mut out = String::with_capacity(12);
    let _ = write!(out, "{} {month} {:04}", date.day(), date.year());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn dates_and_statuses() {
        assert_eq!(parse_date("2024-10-21"), Some(d("2024-10-21")));
        assert_eq!(parse_date("2024-10-21T09:00:00Z"), Some(d("2024-10-21")));
        assert_eq!(parse_date("2024-10-21 09:00"), Some(d("2024-10-21")));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("21/10/2024"), None);
        assert_eq!(parse_date("2024-10-213"), None);
        let today = d("2025-03-01");
        assert_eq!(
            Status::on(d("2025-02-28"), today, Interval::Days(30)),
            Status::Overdue
        );
        assert_eq!(
            Status::on(d("2025-03-01"), today, Interval::Days(30)),
            Status::DueSoon
        );
        assert_eq!(
            Status::on(d("2025-03-31"), today, Interval::Days(30)),
            Status::DueSoon
        );
        assert_eq!(
            Status::on(d("2025-04-01"), today, Interval::Days(30)),
            Status::Current
        );
        assert_eq!(human_date(d("2024-10-21")), "21 Oct 2024");
        // Every day of four years as chrono's format writes it.
        let mut day = d("2023-01-01");
        while day < d("2027-01-01") {
            assert_eq!(human_date(day), day.format("%-d %b %Y").to_string());
            day = day.succ_opt().expect("next day");
        }
        assert_eq!(human_date(d("0900-03-05")), "5 Mar 0900");
    }
}
