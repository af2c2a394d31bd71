//! The calendar: the four quarters of the year that begins at the rhythm's
//! start, week by week, with the activities that land in each week.

use std::collections::HashMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::index::{ActivityView, RhythmIndex};
use super::recur::Plan;
use super::vocabulary::Vocabulary;
use super::Rhythm;

#[derive(Debug, Clone, Serialize)]
pub struct CalendarView {
    pub quarters: Vec<QuarterView>,
    /// Activities without a schedule (ad-hoc, ongoing).
    pub unscheduled: Vec<ActivityView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarterView {
    /// `Q1`.
    pub label: String,
    /// `1 Feb 2025 – 30 Apr 2025`.
    pub range: String,
    pub months: Vec<MonthSpan>,
    pub weeks: Vec<WeekColumn>,
    pub rows: Vec<CalendarRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthSpan {
    pub label: String,
    /// How many week columns start in this month.
    pub weeks: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekColumn {
    pub number: usize,
    /// The Monday of the week: `3 Feb`.
    pub label: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarRow {
    pub activity: ActivityView,
    /// The cadence key that schedules it (for colour).
    pub key: String,
    pub cells: Vec<CalendarCell>,
}

/// One week of one activity. A week without it serializes as an empty
/// object (`{}`), which `build::cadence_pages` fills with `count: 0` and
/// `dates: ""` for a site's own `cadence/calendar.html` (the built-in one
/// prints `calendar.html`, written by `render::calendar_markup`).
#[derive(Debug, Clone)]
pub struct CalendarCell {
    /// Occurrences in the week.
    pub count: usize,
    /// `Mon 3 Feb, Tue 4 Feb`.
    pub dates: String,
}

impl Serialize for CalendarCell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let fields = if self.count == 0 { 0 } else { 2 };
        let mut map = serializer.serialize_map(Some(fields))?;
        if self.count > 0 {
            map.serialize_entry("count", &self.count)?;
            map.serialize_entry("dates", &self.dates)?;
        }
        map.end()
    }
}

impl RhythmIndex {
    /// The calendar of the four quarters from `start`, for the activities
    /// of `rhythm` (which the views were built from).
    pub fn calendar(&self, rhythm: &Rhythm, vocabulary: &Vocabulary) -> CalendarView {
        let plans: HashMap<&str, (&Plan, String)> = rhythm
            .activities
            .iter()
            .filter_map(|a| {
                let key = a
                    .scheduled_by(vocabulary)
                    .map(|i| vocabulary.get(i).key.clone())?;
                Some((a.id.as_str(), (a.plan.as_ref()?, key)))
            })
            .collect();
        let quarters = (0..4).map(|q| self.quarter(q, &plans)).collect();
        let unscheduled = self
            .views
            .iter()
            .filter(|v| !plans.contains_key(v.id.as_str()))
            .cloned()
            .collect();
        CalendarView {
            quarters,
            unscheduled,
        }
    }

    fn quarter(&self, q: u32, plans: &HashMap<&str, (&Plan, String)>) -> QuarterView {
        let first = self.start + Months::new(3 * q);
        let last = (self.start + Months::new(3 * q + 3))
            .pred_opt()
            .unwrap_or(first);
        let weeks = week_starts(first, last);
        let mut months: Vec<MonthSpan> = Vec::new();
        for monday in &weeks {
            // A week belongs to the month of its first day inside the quarter.
            let shown = (*monday).max(first);
            let label = shown.format("%b %Y").to_string();
            match months.last_mut() {
                Some(m) if m.label == label => m.weeks += 1,
                _ => months.push(MonthSpan { label, weeks: 1 }),
            }
        }
        let rows = self
            .views
            .iter()
            .filter_map(|v| {
                let (plan, key) = plans.get(v.id.as_str())?;
                let dates = plan.occurrences(self.start, first, last);
                if dates.is_empty() {
                    return None;
                }
                let cells = weeks
                    .iter()
                    .map(|monday| {
                        let sunday = *monday + Days::new(6);
                        let mut cell = CalendarCell {
                            count: 0,
                            dates: String::new(),
                        };
                        for day in dates.iter().filter(|d| **d >= *monday && **d <= sunday) {
                            if cell.count > 0 {
                                cell.dates.push_str(", ");
                            }
                            push_day(&mut cell.dates, *day);
                            cell.count += 1;
                        }
                        cell
                    })
                    .collect();
                Some(CalendarRow {
                    activity: v.clone(),
                    key: key.clone(),
                    cells,
                })
            })
            .collect();
        QuarterView {
            label: format!("Q{}", q + 1),
            range: format!(
                "{} – {}",
                first.format("%-d %b %Y"),
                last.format("%-d %b %Y")
            ),
            months,
            weeks: weeks
                .iter()
                .enumerate()
                .map(|(i, d)| WeekColumn {
                    number: i + 1,
                    label: d.format("%-d %b").to_string(),
                    date: d.format("%Y-%m-%d").to_string(),
                })
                .collect(),
            rows,
        }
    }
}

/// `Mon 3 Feb`, as chrono writes `%a %-d %b` in English, without parsing
/// the format for each of the calendar's days (tens of thousands for a
/// large handbook's daily activities).
fn push_day(out: &mut String, day: NaiveDate) {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    use std::fmt::Write;
    let weekday = WEEKDAYS[day.weekday().num_days_from_monday() as usize];
    let month = MONTHS[day.month0() as usize];
    let _ = write!(out, "{weekday} {} {month}", day.day());
}

/// The Mondays of the weeks that have a working day between `first` and `last`.
fn week_starts(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let back = u64::from(first.weekday().num_days_from_monday());
    let mut monday = first - Days::new(back);
    let mut out = Vec::new();
    while monday <= last {
        let friday = monday + Days::new(4);
        if friday >= first && monday <= last {
            out.push(monday);
        }
        monday = monday + Days::new(7);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every day of a leap year and the years around it, as chrono
    /// writes it.
    #[test]
    fn a_day_is_written_as_chrono_writes_it() {
        let mut day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        while day.year() < 2026 {
            let mut written = String::new();
            push_day(&mut written, day);
            assert_eq!(written, day.format("%a %-d %b").to_string());
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn weeks_of_a_quarter_skip_weekend_only_weeks() {
        let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        // 1 Feb 2025 is a Saturday: the first column is the week of 3 Feb.
        let weeks = week_starts(d(2, 1), d(4, 30));
        assert_eq!(weeks.first(), Some(&d(2, 3)));
        assert_eq!(weeks.last(), Some(&d(4, 28)));
        assert_eq!(weeks.len(), 13);
    }
}
