//! The reviews due as iCalendar feeds (one for the site, one per owner),
//! beside the rhythm's: one all-day event per page on the day its next
//! review is due, written as [`super::ical`] writes the activities (CRLF,
//! folded lines, escaped text, a UID that stays from build to build and a
//! DTSTAMP from the page, not the clock, so an unchanged handbook gives a
//! byte-identical feed).

use chrono::NaiveDate;

use super::ical::{escape_text, FeedInfo, Writer};

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

/// `20250228`, without a format string (feeds write thousands).
fn ical_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

/// One review's VEVENT, written once and put into every feed that lists
/// the page (the site's and each owner's).
pub fn event(host: &str, review: &ReviewEvent) -> String {
    let mut out = Writer::default();
    let day = ical_date(review.due);
    let next = ical_date(review.due.succ_opt().unwrap_or(review.due));
    let stamp = ical_date(review.reviewed.unwrap_or(review.due));
    out.line("BEGIN:VEVENT");
    out.property("UID", &format!("review--{}@{host}", review.id));
    out.property("DTSTAMP", &format!("{stamp}T000000Z"));
    out.property("DTSTART;VALUE=DATE", &day);
    out.property("DTEND;VALUE=DATE", &next);
    out.property(
        "SUMMARY",
        &escape_text(&format!("Review: {}", review.title)),
    );
    let mut description = format!("Next review of {} ({}).", review.title, review.source);
    if let Some(reviewed) = review.reviewed {
        description.push_str(&format!(" Last reviewed {reviewed}."));
    }
    if !review.owners.is_empty() {
        description.push_str(&format!(" Owners: {}.", review.owners.join(", ")));
    }
    description.push_str(&format!("\n{}", review.url));
    out.property("DESCRIPTION", &escape_text(&description));
    out.property("CATEGORIES", "Review");
    out.property("URL", &review.url);
    out.property("TRANSP", "TRANSPARENT");
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
