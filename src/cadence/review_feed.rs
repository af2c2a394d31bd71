//! The reviews due as iCalendar feeds (one for the site, one per owner),
//! beside the rhythm's: one all-day event per page on the day its next
//! review is due, written as [`super::ical`] writes the activities (CRLF,
//! folded lines, escaped text, a UID that stays from build to build and a
//! DTSTAMP from the page, not the clock, so an unchanged handbook gives a
//! byte-identical feed).

use chrono::NaiveDate;

use super::ical::{escape_text, escape_text_into, FeedInfo, Writer};

/// One page's next review.
pub struct ReviewEvent<'a> {
    /// The page's path, made URL-safe (the UID).
    pub id: String,
    pub title: &'a str,
    /// The page's absolute URL.
    pub url: String,
    pub due: NaiveDate,
    pub reviewed: Option<NaiveDate>,
    pub owners: &'a [String],
    /// The page's source path.
    pub source: &'a str,
}

/// `20250228` onto `out`, without a format string (feeds write thousands).
fn push_ical_date(out: &mut String, date: NaiveDate) {
    use chrono::Datelike;
    push_padded(out, date.year(), 4);
    push_padded(out, date.month() as i32, 2);
    push_padded(out, date.day() as i32, 2);
}

/// `2025-02-28` onto `out`, as `NaiveDate` displays it.
fn push_iso_date(out: &mut String, date: NaiveDate) {
    use chrono::Datelike;
    push_padded(out, date.year(), 4);
    out.push('-');
    push_padded(out, date.month() as i32, 2);
    out.push('-');
    push_padded(out, date.day() as i32, 2);
}

/// A number with leading zeros to `width` (at most 4) digits; one that
/// does not fit (a year past 9999 or before 0, which chrono allows) as
/// `{:0width$}` writes it.
fn push_padded(out: &mut String, number: i32, width: u32) {
    if !(0..10_i32.pow(width)).contains(&number) {
        use std::fmt::Write;
        let _ = write!(out, "{number:0width$}", width = width as usize);
        return;
    }
    for place in (0..width).rev() {
        let digit = number / 10_i32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// One review's VEVENT, written once and put into every feed that lists
/// the page (the site's and each owner's). Each line is put together in
/// one buffer: a 10,000-page site writes 10,000 of these.
pub fn event(host: &str, review: &ReviewEvent) -> String {
    let mut out = Writer {
        text: String::with_capacity(640),
    };
    let mut line = String::with_capacity(256);
    let emit = |out: &mut Writer, line: &mut String| {
        out.line(line);
        line.clear();
    };
    out.line("BEGIN:VEVENT");
    line.push_str("UID:review--");
    line.push_str(&review.id);
    line.push('@');
    line.push_str(host);
    emit(&mut out, &mut line);
    line.push_str("DTSTAMP:");
    push_ical_date(&mut line, review.reviewed.unwrap_or(review.due));
    line.push_str("T000000Z");
    emit(&mut out, &mut line);
    line.push_str("DTSTART;VALUE=DATE:");
    push_ical_date(&mut line, review.due);
    emit(&mut out, &mut line);
    line.push_str("DTEND;VALUE=DATE:");
    push_ical_date(&mut line, review.due.succ_opt().unwrap_or(review.due));
    emit(&mut out, &mut line);
    line.push_str("SUMMARY:Review: ");
    escape_text_into(review.title, &mut line);
    emit(&mut out, &mut line);
    // "Next review of TITLE (SOURCE). Last reviewed DATE. Owners: A, B.\nURL",
    // escaped as a whole.
    line.push_str("DESCRIPTION:Next review of ");
    escape_text_into(review.title, &mut line);
    line.push_str(" (");
    escape_text_into(review.source, &mut line);
    line.push_str(").");
    if let Some(reviewed) = review.reviewed {
        line.push_str(" Last reviewed ");
        push_iso_date(&mut line, reviewed);
        line.push('.');
    }
    if !review.owners.is_empty() {
        line.push_str(" Owners: ");
        for (k, owner) in review.owners.iter().enumerate() {
            if k > 0 {
                line.push_str("\\, ");
            }
            escape_text_into(owner, &mut line);
        }
        line.push('.');
    }
    line.push_str("\\n");
    escape_text_into(&review.url, &mut line);
    emit(&mut out, &mut line);
    out.line("CATEGORIES:Review");
    line.push_str("URL:");
    line.push_str(&review.url);
    emit(&mut out, &mut line);
    out.line("TRANSP:TRANSPARENT");
    out.line("END:VEVENT");
    out.text
}

/// A VCALENDAR of the VEVENTs `events` ([`event`]).
pub fn calendar<'a>(info: &FeedInfo, events: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = Writer::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//handbook//page reviews//EN");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.property("X-WR-CALNAME", &escape_text(info.name));
    if !info.description.is_empty() {
        out.property("X-WR-CALDESC", &escape_text(info.description));
    }
    for event in events {
        out.text.push_str(event);
    }
    out.line("END:VCALENDAR");
    out.text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn an_event_escapes_its_text_and_folds_its_lines() {
        let owners = ["Sales; EMEA".to_string(), "@ops".to_string()];
        let review = ReviewEvent {
            id: "people-onboarding".into(),
            title: "Onboarding, week one",
            url: "https://handbook.example.com/people/onboarding/".into(),
            due: d("2025-02-28"),
            reviewed: Some(d("2024-08-31")),
            owners: &owners,
            source: "people/onboarding.md",
        };
        let unfolded = event("handbook.example.com", &review).replace("\r\n ", "");
        assert_eq!(
            unfolded,
            "BEGIN:VEVENT\r\n\
             UID:review--people-onboarding@handbook.example.com\r\n\
             DTSTAMP:20240831T000000Z\r\n\
             DTSTART;VALUE=DATE:20250228\r\n\
             DTEND;VALUE=DATE:20250301\r\n\
             SUMMARY:Review: Onboarding\\, week one\r\n\
             DESCRIPTION:Next review of Onboarding\\, week one (people/onboarding.md). Last reviewed 2024-08-31. Owners: Sales\\; EMEA\\, @ops.\\nhttps://handbook.example.com/people/onboarding/\r\n\
             CATEGORIES:Review\r\n\
             URL:https://handbook.example.com/people/onboarding/\r\n\
             TRANSP:TRANSPARENT\r\n\
             END:VEVENT\r\n"
        );
        let first_due = ReviewEvent {
            reviewed: None,
            owners: &[],
            due: d("0999-12-31"),
            ..review
        };
        let text = event("h", &first_due).replace("\r\n ", "");
        assert!(text.contains("DTSTAMP:09991231T000000Z\r\nDTSTART;VALUE=DATE:09991231\r\nDTEND;VALUE=DATE:10000101\r\n"), "{text}");
        assert!(
            text.contains("(people/onboarding.md).\\nhttps://"),
            "{text}"
        );
    }
}
