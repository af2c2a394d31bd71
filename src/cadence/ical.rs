//! The iCalendar (RFC 5545) feeds: one recurring event per activity.
//!
//! - Lines end in CRLF and are folded at 75 octets (never inside a UTF-8
//!   character); TEXT values escape `\`, `;`, `,` and newlines.
//! - UIDs are the activity's id (page path and activity name) `@` the site's
//!   host, so they stay the same from build to build.
//! - Activities with a `time` are timed events in floating local time with a
//!   DURATION; the others are all-day events. Both start on the first
//!   occurrence on or after `[cadence] start` and repeat by the RRULE.
//! - Activities without a schedule (ad-hoc, ongoing) are listed as a single
//!   all-day event on the start date, without RRULE, marked transparent.
//! - DTSTAMP is the start date, not the build time, so an unchanged handbook
//!   gives a byte-identical feed.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::index::ActivityView;

/// What the feed is called in calendar apps.
pub struct FeedInfo<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// Host for UIDs (`handbook.example.com`).
    pub host: &'a str,
    pub start: NaiveDate,
}

/// A VCALENDAR with one VEVENT per activity.
pub fn calendar<'a>(
    info: &FeedInfo,
    activities: impl IntoIterator<Item = &'a ActivityView>,
) -> String {
    let mut out = Writer::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//handbook//operating rhythm//EN");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.property("X-WR-CALNAME", &escape_text(info.name));
    if !info.description.is_empty() {
        out.property("X-WR-CALDESC", &escape_text(info.description));
    }
    let stamp = format!("{}T000000Z", info.start.format("%Y%m%d"));
    for activity in activities {
        event(&mut out, info, &stamp, activity);
    }
    out.line("END:VCALENDAR");
    out.text
}

fn event(out: &mut Writer, info: &FeedInfo, stamp: &str, a: &ActivityView) {
    out.line("BEGIN:VEVENT");
    out.property("UID", &format!("{}@{}", a.id, info.host));
    out.property("DTSTAMP", stamp);
    let first = NaiveDate::parse_from_str(&a.first, "%Y-%m-%d").unwrap_or(info.start);
    let day = first.format("%Y%m%d").to_string();
    let scheduled = !a.rrule.is_empty();
    match (scheduled, a.time.is_empty()) {
        (true, false) => {
            let time = a.time.replace(':', "");
            out.property("DTSTART", &format!("{day}T{time}00"));
            out.property(
                "DURATION",
                &format!("PT{}M", a.duration_minutes.unwrap_or(30)),
            );
        }
        _ => out.property("DTSTART;VALUE=DATE", &day),
    }
    if scheduled {
        out.property("RRULE", &a.rrule);
    } else {
        out.property("TRANSP", "TRANSPARENT");
    }
    let summary = if scheduled {
        a.activity.clone()
    } else {
        let labels: Vec<&str> = a.every.iter().map(|c| c.label.as_str()).collect();
        format!("{} ({})", a.activity, labels.join(" / "))
    };
    out.property("SUMMARY", &escape_text(&summary));
    out.property("DESCRIPTION", &escape_text(&description(a)));
    let categories: Vec<String> = a.every.iter().map(|c| escape_text(&c.label)).collect();
    out.property("CATEGORIES", &categories.join(","));
    if !a.permalink.is_empty() {
        out.property("URL", &a.permalink);
    }
    out.line("END:VEVENT");
}

fn description(a: &ActivityView) -> String {
    let mut text = String::new();
    let labels: Vec<&str> = a.every.iter().map(|c| c.label.as_str()).collect();
    let _ = write!(text, "{}: {}", labels.join(" / "), a.when);
    if !a.owner.is_empty() {
        let _ = write!(text, "\nOwner: {}", a.owner);
    }
    if !a.attendees.is_empty() {
        let _ = write!(text, "\nAttendees: {}", a.attendees.join(", "));
    }
    if !a.duration.is_empty() {
        let _ = write!(text, "\nDuration: {}", a.duration);
    }
    if !a.permalink.is_empty() {
        let _ = write!(text, "\n\n{}", a.permalink);
    }
    text
}

/// TEXT value escaping (RFC 5545 3.3.11).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_text_into(text, &mut out);
    out
}

/// [`escape_text`] onto `out`; text with nothing to escape (most titles
/// and paths) is copied whole.
pub fn escape_text_into(text: &str, out: &mut String) {
    // C1 controls are U+0080..U+009F: 0xC2 then 0x80..=0x9F in UTF-8.
    let plain = !text
        .bytes()
        .any(|b| matches!(b, b'\\' | b';' | b',' | 0xC2) || b < 0x20 || b == 0x7F);
    if plain {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// A feed being written (also the review feeds', [`super::review_feed`]).
#[derive(Default)]
pub(super) struct Writer {
    pub(super) text: String,
}

impl Writer {
    pub(super) fn property(&mut self, name: &str, value: &str) {
        let mut line = String::with_capacity(name.len() + 1 + value.len());
        line.push_str(name);
        line.push(':');
        line.push_str(value);
        self.line(&line);
    }

    /// Writes a content line folded at 75 octets (RFC 5545 3.1).
    pub(super) fn line(&mut self, line: &str) {
        let mut limit = 75;
        let mut rest = line;
        while rest.len() > limit {
            let mut cut = limit;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            self.text.push_str(&rest[..cut]);
            self.text.push_str("\r\n ");
            rest = &rest[cut..];
            // Continuation lines start with a space, which counts.
            limit = 74;
        }
        self.text.push_str(rest);
        self.text.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_on_char_boundaries() {
        let mut w = Writer::default();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        w.line(&long);
        for line in w.text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = w.text.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        assert_eq!(escape_text("Plain title é"), "Plain title é");
        assert_eq!(escape_text("bell\u{7}\u{85}\r end"), "bell end");
    }
}
