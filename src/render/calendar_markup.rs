//! The quarters of the rhythm's calendar, and its activities without a
//! schedule, as the default theme's `cadence/calendar.html` showed them,
//! written in Rust for `calendar.html` (`{{ calendar.html | safe }}`): a
//! row per activity and a cell per week, 52 cells a row, were two thirds of
//! the time Tera spent on the generated pages. The test renders the
//! template's former loop with Tera and compares.

use super::section_markup::push_pills_and_link;
use crate::cadence::calendar::{CalendarView, QuarterView};
use crate::escape::html_into;

/// The calendar's markup: a section per quarter, then the activities not
/// on a schedule.
pub fn calendar_html(calendar: &CalendarView) -> String {
    let cells: usize = calendar
        .quarters
        .iter()
        .map(|q| q.rows.len() * (q.weeks.len() + 4))
        .sum();
    let mut out = String::with_capacity(1024 + 48 * cells);
    for quarter in &calendar.quarters {
        push_quarter(&mut out, quarter);
    }
    if !calendar.unscheduled.is_empty() {
        out.push_str("\n  <section class=\"cadence-unscheduled\" aria-labelledby=\"not-on-a-schedule\">\n    <h2 id=\"not-on-a-schedule\">Not on a schedule</h2>\n    <ul class=\"cadence-compact\">");
        for activity in &calendar.unscheduled {
            out.push_str("\n      <li>");
            push_pills_and_link(&mut out, activity);
            if !activity.owner.is_empty() {
                out.push_str(" <span class=\"cadence-when\">");
                html_into(&activity.owner, &mut out);
                out.push_str("</span>");
            }
            out.push_str("</li>");
        }
        out.push_str("\n    </ul>\n  </section>");
    }
    out
}

fn push_quarter(out: &mut String, quarter: &QuarterView) {
    let id = quarter.label.to_lowercase();
    out.push_str("\n  <section class=\"cadence-quarter\" aria-labelledby=\"");
    html_into(&id, out);
    out.push_str("\">\n    <h2 id=\"");
    html_into(&id, out);
    out.push_str("\">");
    html_into(&quarter.label, out);
    out.push_str(" <span class=\"cadence-range\">");
    html_into(&quarter.range, out);
    out.push_str("</span></h2>");
    if quarter.rows.is_empty() {
        out.push_str("\n    <p>Nothing is scheduled in this quarter.</p>\n  </section>");
        return;
    }
    out.push_str("\n    <div class=\"cadence-table-wrap\">\n    <table class=\"cadence-calendar\">\n      <thead>\n        <tr>\n          <td></td>");
    for month in &quarter.months {
        out.push_str("<th scope=\"colgroup\" colspan=\"");
        out.push_str(&month.weeks.to_string());
        out.push_str("\">");
        html_into(&month.label, out);
        out.push_str("</th>");
    }
    out.push_str("\n        </tr>\n        <tr>\n          <th scope=\"col\">Activity</th>");
    for week in &quarter.weeks {
        out.push_str("<th scope=\"col\" class=\"cal-week\"><abbr title=\"Week of ");
        html_into(&week.date, out);
        out.push_str("\">W");
        out.push_str(&week.number.to_string());
        out.push_str("</abbr><span class=\"cal-date\">");
        html_into(&week.label, out);
        out.push_str("</span></th>");
    }
    out.push_str("\n        </tr>\n      </thead>\n      <tbody>");
    for row in &quarter.rows {
        out.push_str(
            "\n        <tr>\n          <th scope=\"row\" class=\"cal-activity\"><a href=\"",
        );
        html_into(&row.activity.url, out);
        out.push_str("\">");
        html_into(&row.activity.activity, out);
        out.push_str("</a><span class=\"cal-owner\">");
        html_into(&row.activity.owner, out);
        out.push_str("</span></th>");
        for cell in &row.cells {
            if cell.count == 0 {
                out.push_str("\n          <td class=\"cal-cell\"></td>");
                continue;
            }
            out.push_str("\n          <td class=\"cal-cell cal-on cadence-");
            html_into(&row.key, out);
            out.push_str("\" title=\"");
            html_into(&cell.dates, out);
            out.push_str("\"><span class=\"cal-mark\">");
            if cell.count > 1 {
                out.push_str(&cell.count.to_string());
                out.push('×');
            } else {
                out.push('●');
            }
            out.push_str("</span><span class=\"visually-hidden\">");
            html_into(&cell.dates, out);
            out.push_str("</span></td>");
        }
        out.push_str("\n        </tr>");
    }
    out.push_str("\n      </tbody>\n    </table>\n    </div>\n  </section>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadence::calendar::{CalendarCell, CalendarRow, MonthSpan, WeekColumn};
    use crate::test_dice::{random_activity, Dice};

    /// The loop `cadence/calendar.html` had before it printed
    /// `calendar.html` (what a site's own copy of it may still have).
    const QUARTERS_LOOP: &str = include_str!("../../tests/fixtures/cadence/calendar-quarters.html");

    fn quarter(dice: &mut Dice, n: usize) -> QuarterView {
        let weeks = dice.below(4);
        QuarterView {
            label: ["Q1", "Q2 <x>", "Ünï"][n % 3].to_string(),
            range: dice.string(),
            months: (0..dice.below(3))
                .map(|_| MonthSpan {
                    label: dice.string(),
                    weeks: dice.below(5),
                })
                .collect(),
            weeks: (0..weeks)
                .map(|i| WeekColumn {
                    number: i + 1,
                    label: dice.string(),
                    date: dice.string(),
                })
                .collect(),
            rows: (0..dice.below(3))
                .map(|_| CalendarRow {
                    activity: random_activity(dice, "/"),
                    key: dice.string(),
                    cells: (0..weeks)
                        .map(|_| CalendarCell {
                            count: dice.below(4),
                            dates: dice.string(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_calendar_is_written_as_its_template_wrote_it() {
        let mut dice = Dice(0x2545_f491_4f6c_dd1d);
        for round in 0..300 {
            let calendar = CalendarView {
                quarters: (0..dice.below(3)).map(|n| quarter(&mut dice, n)).collect(),
                unscheduled: (0..dice.below(3))
                    .map(|_| random_activity(&mut dice, "/"))
                    .collect(),
            };
            let mut context = tera::Context::new();
            context.insert("calendar", &calendar);
            let beside = ["cadence/macros.html"];
            let template = format!(
                "{{% import \"cadence/macros.html\" as cadence %}}{}",
                QUARTERS_LOOP.trim_end()
            );
            let tera = crate::render::render_with_default_theme(&beside, &template, &context);
            assert_eq!(calendar_html(&calendar), tera, "round {round}");
        }
    }
}
