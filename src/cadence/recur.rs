//! When an activity happens: its cadence's rule and its `day` made into one
//! plan, which gives both the RRULE of the feed and the dates of the calendar,
//! so the two always agree.
//!
//! The meaning of `day` per kind of rule (documented in `docs/cadence.md`):
//! - daily: no `day`; the rule's weekdays (working days by default).
//! - weekly and every N weeks: a weekday; Monday when no `day` is given.
//! - monthly, quarterly, semi-annual (every N months) and annual: a day of the
//!   month (`15`: the 15th of the period's first month), a weekday (`friday`:
//!   the first Friday of the period), or `week N` (optionally `week N friday`):
//!   the Monday (or that weekday) of week N of the period. Weeks of a quarter
//!   follow the 4-4-5 pattern: weeks 1-4 are the first to fourth Mondays of the
//!   quarter's first month, 5-8 of the second month, 9-12 of the third and
//!   week 13 its last Monday. Without `day`, the first working day of the period.
//! - Periods start at the month of `[cadence] start`.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::vocabulary::{ical_day, Freq, Rule};
use super::Day;

/// Which day in a month an occurrence falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The Nth day of the month.
    MonthDay(u32),
    /// The Nth given weekday of the month; -1 is the last.
    Nth(i32, Weekday),
    /// The first Monday to Friday of the month.
    FirstWorkingDay,
}

/// An activity's schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Days {
        interval: u32,
        weekdays: Vec<Weekday>,
    },
    Weeks {
        interval: u32,
        weekday: Weekday,
    },
    /// Every `period` months, in month `offset` of the period, on `pick`.
    Months {
        period: u32,
        offset: u32,
        pick: Pick,
        yearly: bool,
        interval: u32,
    },
}

const WORKING_DAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// The plan of a rule with a `day`, or why the day does not fit the rule.
pub fn plan(rule: &Rule, day: Option<&Day>, cadence_label: &str) -> Result<Plan, String> {
    let label = cadence_label.to_lowercase();
    match rule.freq {
        Freq::Daily => match day {
            None => Ok(Plan::Days {
                interval: rule.interval,
                weekdays: rule.weekdays.clone(),
            }),
            Some(_) => Err(format!(
                "{label} activities happen on every day of their rule; remove `day`"
            )),
        },
        Freq::Weekly => match day {
            None => Ok(Plan::Weeks {
                interval: rule.interval,
                weekday: Weekday::Mon,
            }),
            Some(Day::Weekday(weekday)) => Ok(Plan::Weeks {
                interval: rule.interval,
                weekday: *weekday,
            }),
            Some(_) => Err(format!(
                "{label} activities take a weekday such as `monday`, not a day of the month or a week"
            )),
        },
        Freq::Monthly | Freq::Yearly => {
            let period = rule.period_months();
            let (offset, pick) = match day {
                None => (0, Pick::FirstWorkingDay),
                Some(Day::MonthDay(d)) => (0, Pick::MonthDay(*d)),
                Some(Day::Weekday(w)) => (0, Pick::Nth(1, *w)),
                Some(Day::Week { week, weekday }) => {
                    let (offset, nth) = week_of_period(*week, period).ok_or_else(|| {
                        format!(
                            "{label} activities have weeks 1 to {}; `week {week}` is past the end",
                            weeks_in_period(period)
                        )
                    })?;
                    (offset, Pick::Nth(nth, *weekday))
                }
            };
            Ok(Plan::Months {
                period,
                offset,
                pick,
                yearly: rule.freq == Freq::Yearly,
                interval: rule.interval,
            })
        }
    }
}

/// Number of weeks `week N` may name in a period of `months` months.
pub fn weeks_in_period(months: u32) -> u32 {
    if months.is_multiple_of(3) {
        13 * months / 3
    } else {
        4 * months + 1
    }
}

/// Week N of a period -> (month of the period, which Monday of that month).
fn week_of_period(week: u32, months: u32) -> Option<(u32, i32)> {
    if week == 0 || week > weeks_in_period(months) {
        return None;
    }
    let (month, nth) = if months.is_multiple_of(3) {
        let quarter = (week - 1) / 13;
        let in_quarter = (week - 1) % 13 + 1;
        let month = match in_quarter {
            1..=4 => 0,
            5..=8 => 1,
            _ => 2,
        };
        (3 * quarter + month, in_quarter - 4 * month)
    } else {
        let month = ((week - 1) / 4).min(months - 1);
        (month, week - 4 * month)
    };
    let nth = if nth >= 5 { -1 } else { nth as i32 };
    Some((month, nth))
}

impl Plan {
    /// The first occurrence on or after `start`.
    pub fn first(&self, start: NaiveDate) -> Option<NaiveDate> {
        self.expand(start, start, start + Days::new(366 * 11), 1)
            .into_iter()
            .next()
    }

    /// Every occurrence from `from` to `to` (inclusive) of the schedule that
    /// begins at its first occurrence on or after `start`.
    pub fn occurrences(&self, start: NaiveDate, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        self.expand(start, from, to, usize::MAX)
    }

    /// At most `limit` occurrences from `from` to `to`.
    fn expand(
        &self,
        start: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
        limit: usize,
    ) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        match self {
            Plan::Days { interval, weekdays } => {
                let Some(first) = first_matching(start, |d| fits(weekdays, d)) else {
                    return out;
                };
                let mut day = first;
                while day <= to && out.len() < limit {
                    if day >= from && fits(weekdays, day) {
                        out.push(day);
                    }
                    day = day + Days::new(u64::from(*interval));
                }
            }
            Plan::Weeks { interval, weekday } => {
                let Some(first) = first_matching(start, |d| d.weekday() == *weekday) else {
                    return out;
                };
                let mut day = first;
                while day <= to && out.len() < limit {
                    if day >= from {
                        out.push(day);
                    }
                    day = day + Days::new(7 * u64::from(*interval));
                }
            }
            Plan::Months {
                period,
                offset,
                pick,
                ..
            } => {
                let first_month = month_start(start);
                // Find the first period whose occurrence is on or after start;
                // later periods count from there.
                let mut k = 0u32;
                let mut began = false;
                while k < 10_000 && out.len() < limit {
                    let month = first_month + Months::new(k * period + offset);
                    if month > to {
                        break;
                    }
                    if let Some(day) = pick_in_month(month, *pick) {
                        if day >= start {
                            began = true;
                        }
                        if began && day >= from && day <= to {
                            out.push(day);
                        }
                    }
                    k += 1;
                }
            }
        }
        out
    }

    /// The RRULE value (without `RRULE:`), for an event starting at `first`.
    pub fn rrule(&self, first: NaiveDate) -> String {
        let mut parts: Vec<String> = Vec::new();
        match self {
            Plan::Days { interval, weekdays } => {
                parts.push("FREQ=DAILY".into());
                push_interval(&mut parts, *interval);
                if !weekdays.is_empty() {
                    parts.push(format!("BYDAY={}", join_days(weekdays)));
                }
            }
            Plan::Weeks { interval, weekday } => {
                parts.push("FREQ=WEEKLY".into());
                push_interval(&mut parts, *interval);
                parts.push(format!("BYDAY={}", ical_day(*weekday)));
            }
            Plan::Months {
                period,
                pick,
                yearly,
                interval,
                ..
            } => {
                if *yearly {
                    parts.push("FREQ=YEARLY".into());
                    push_interval(&mut parts, *interval);
                    parts.push(format!("BYMONTH={}", first.month()));
                } else {
                    parts.push("FREQ=MONTHLY".into());
                    push_interval(&mut parts, *period);
                }
                match pick {
                    Pick::MonthDay(d) => parts.push(format!("BYMONTHDAY={d}")),
                    Pick::Nth(n, w) => parts.push(format!("BYDAY={n}{}", ical_day(*w))),
                    Pick::FirstWorkingDay => {
                        parts.push(format!("BYDAY={}", join_days(&WORKING_DAYS)));
                        parts.push("BYSETPOS=1".into());
                    }
                }
            }
        }
        parts.join(";")
    }
}

fn push_interval(parts: &mut Vec<String>, interval: u32) {
    if interval > 1 {
        parts.push(format!("INTERVAL={interval}"));
    }
}

fn join_days(days: &[Weekday]) -> String {
    days.iter()
        .map(|d| ical_day(*d))
        .collect::<Vec<_>>()
        .join(",")
}

fn fits(weekdays: &[Weekday], day: NaiveDate) -> bool {
    weekdays.is_empty() || weekdays.contains(&day.weekday())
}

fn first_matching(start: NaiveDate, ok: impl Fn(NaiveDate) -> bool) -> Option<NaiveDate> {
    (0..7).map(|i| start + Days::new(i)).find(|d| ok(*d))
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The day `pick` names in the month that begins at `month`.
pub fn pick_in_month(month: NaiveDate, pick: Pick) -> Option<NaiveDate> {
    match pick {
        Pick::MonthDay(d) => month.with_day(d),
        Pick::FirstWorkingDay => first_matching(month, |d| WORKING_DAYS.contains(&d.weekday())),
        Pick::Nth(n, weekday) if n > 0 => {
            let first = first_matching(month, |d| d.weekday() == weekday)?;
            let day = first + Days::new(7 * (n as u64 - 1));
            (day.month() == month.month()).then_some(day)
        }
        Pick::Nth(_, weekday) => {
            let next_month = month + Months::new(1);
            let last = next_month.pred_opt()?;
            (0..7)
                .map(|i| last - Days::new(i))
                .find(|d| d.weekday() == weekday)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadence::vocabulary::{Recurrence, Vocabulary};

    fn rule(key: &str) -> Rule {
        let v = Vocabulary::default();
        match &v.get(v.resolve(key).unwrap()).rule {
            Recurrence::Every(rule) => rule.clone(),
            Recurrence::None => panic!("{key} has no rule"),
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn week(week: u32) -> Day {
        Day::Week {
            week,
            weekday: Weekday::Mon,
        }
    }

    #[test]
    fn rrules_per_cadence() {
        let start = date(2025, 2, 1);
        let cases: Vec<(&str, Option<Day>, &str, NaiveDate)> = vec![
            (
                "daily",
                None,
                "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
                date(2025, 2, 3),
            ),
            (
                "weekly",
                Some(Day::Weekday(Weekday::Thu)),
                "FREQ=WEEKLY;BYDAY=TH",
                date(2025, 2, 6),
            ),
            (
                "bi-weekly",
                None,
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
                date(2025, 2, 3),
            ),
            (
                "monthly",
                Some(Day::MonthDay(15)),
                "FREQ=MONTHLY;BYMONTHDAY=15",
                date(2025, 2, 15),
            ),
            (
                "monthly",
                Some(week(2)),
                "FREQ=MONTHLY;BYDAY=2MO",
                date(2025, 2, 10),
            ),
            (
                "monthly",
                None,
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
                date(2025, 2, 3),
            ),
            (
                "quarterly",
                Some(week(1)),
                "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
                date(2025, 2, 3),
            ),
            (
                "quarterly",
                Some(week(6)),
                "FREQ=MONTHLY;INTERVAL=3;BYDAY=2MO",
                date(2025, 3, 10),
            ),
            (
                "quarterly",
                Some(week(13)),
                "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1MO",
                date(2025, 4, 28),
            ),
            (
                "semi-annual",
                None,
                "FREQ=MONTHLY;INTERVAL=6;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
                date(2025, 2, 3),
            ),
            (
                "annual",
                Some(Day::Weekday(Weekday::Fri)),
                "FREQ=YEARLY;BYMONTH=2;BYDAY=1FR",
                date(2025, 2, 7),
            ),
        ];
        for (key, day, rrule, first) in cases {
            let p = plan(&rule(key), day.as_ref(), key).unwrap();
            let got = p.first(start).unwrap();
            assert_eq!(got, first, "{key} {day:?}");
            assert_eq!(p.rrule(got), rrule, "{key} {day:?}");
        }
    }

    #[test]
    fn days_that_do_not_fit_are_explained() {
        let err = plan(&rule("weekly"), Some(&Day::MonthDay(3)), "Weekly").unwrap_err();
        assert!(err.contains("take a weekday"), "{err}");
        let err = plan(&rule("quarterly"), Some(&week(14)), "Quarterly").unwrap_err();
        assert!(err.contains("weeks 1 to 13"), "{err}");
        assert!(plan(&rule("daily"), Some(&Day::Weekday(Weekday::Mon)), "Daily").is_err());
        assert!(plan(&rule("monthly"), Some(&week(5)), "Monthly").is_ok());
        assert!(plan(&rule("monthly"), Some(&week(6)), "Monthly").is_err());
    }

    #[test]
    fn occurrences_in_a_quarter() {
        let start = date(2025, 2, 1);
        let p = plan(&rule("bi-weekly"), Some(&Day::Weekday(Weekday::Tue)), "x").unwrap();
        let dates = p.occurrences(start, date(2025, 2, 1), date(2025, 3, 31));
        assert_eq!(
            dates,
            [
                date(2025, 2, 4),
                date(2025, 2, 18),
                date(2025, 3, 4),
                date(2025, 3, 18)
            ]
        );
        // A day before start in the first month moves to the next period.
        let p = plan(&rule("quarterly"), Some(&Day::MonthDay(1)), "x").unwrap();
        assert_eq!(p.first(date(2025, 2, 2)), Some(date(2025, 5, 1)));
        // The 31st is skipped in shorter months, as RFC 5545 does.
        let p = plan(&rule("monthly"), Some(&Day::MonthDay(31)), "x").unwrap();
        let dates = p.occurrences(start, start, date(2025, 5, 31));
        assert_eq!(dates, [date(2025, 3, 31), date(2025, 5, 31)]);
    }
}
