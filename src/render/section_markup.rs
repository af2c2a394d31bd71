//! The parts of a section index page as the default theme's macros write
//! them (`section_listing` in `macros.html`, `section_rhythm` in
//! `cadence/macros.html`), in Rust, for [`super::page_frame`]: on a large
//! handbook the rhythm of a top section lists thousands of activities, and
//! Tera's loop over them cost more than the rest of the section's page. The
//! tests render the macros with Tera and compare.

use super::context::Listing;
use crate::cadence::index::{ActivityView, CadenceLabel, Urls};
use crate::escape::html_into;

/// The `section_listing` macro's markup: cards for the subsections, then
/// for the pages.
pub fn section_listing_html(subsections: &[Listing], pages: &[Listing]) -> String {
    if subsections.is_empty() && pages.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(128 + 192 * (subsections.len() + pages.len()));
    out.push_str(
        "\n<div class=\"section-index\">\n  <h2 class=\"section-index-title\">In this section</h2>",
    );
    if !subsections.is_empty() {
        out.push_str("\n  <ul class=\"card-list card-list-sections\">");
        for listing in subsections {
            push_card(&mut out, listing, ShowPageCount::Yes);
        }
        out.push_str("\n  </ul>");
    }
    if !pages.is_empty() {
        out.push_str("\n  <ul class=\"card-list card-list-pages\">");
        for listing in pages {
            push_card(&mut out, listing, ShowPageCount::No);
        }
        out.push_str("\n  </ul>");
    }
    out.push_str("\n</div>");
    out
}

/// Whether a card says how many pages its section has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ShowPageCount {
    Yes,
    No,
}

fn push_card(out: &mut String, listing: &Listing, count: ShowPageCount) {
    out.push_str("\n    <li class=\"card\">\n      <a class=\"card-link\" href=\"");
    html_into(&listing.url, out);
    out.push_str("\">");
    html_into(&listing.title, out);
    out.push_str("</a>");
    if !listing.description.is_empty() {
        out.push_str("<p class=\"card-description\">");
        html_into(&listing.description, out);
        out.push_str("</p>");
    }
    if count == ShowPageCount::Yes && listing.page_count != 0 {
        out.push_str("<p class=\"card-meta\">");
        out.push_str(&listing.page_count.to_string());
        out.push_str(if listing.page_count == 1 {
            " page"
        } else {
            " pages"
        });
        out.push_str("</p>");
    }
    out.push_str("\n    </li>");
}

/// The `pills` macro of `cadence/macros.html`: a pill per cadence.
pub fn push_pills(out: &mut String, every: &[CadenceLabel]) {
    for cadence in every {
        out.push_str("<span class=\"cadence-pill cadence-");
        html_into(&cadence.key, out);
        out.push_str("\">");
        html_into(&cadence.label, out);
        out.push_str("</span>");
    }
}

/// An activity as the compact lists show it: its cadences' pills, then a
/// link to it.
pub fn push_pills_and_link(out: &mut String, activity: &ActivityView) {
    push_pills(out, &activity.every);
    out.push_str(" <a href=\"");
    html_into(&activity.url, out);
    out.push_str("\">");
    html_into(&activity.activity, out);
    out.push_str("</a>");
}

/// The `section_rhythm` macro's markup for `activities` (those of a
/// section, as `cadence(section=...)` selects them), linking to the
/// rhythm's pages at `urls`.
pub fn section_rhythm_html<'a>(
    activities: impl Iterator<Item = &'a ActivityView>,
    urls: &Urls,
) -> String {
    let mut activities = activities.peekable();
    if activities.peek().is_none() {
        return String::new();
    }
    let mut out = String::with_capacity(4096);
    out.push_str("\n<section class=\"cadence-section-rhythm\" aria-labelledby=\"rhythm-of-this-section\">\n  <h2 id=\"rhythm-of-this-section\" class=\"section-index-title\">Rhythm of this section</h2>\n  <ul class=\"cadence-compact\">");
    for activity in activities {
        out.push_str("\n    <li>");
        push_pills_and_link(&mut out, activity);
        out.push_str("\n      <span class=\"cadence-when\">");
        html_into(&activity.when, &mut out);
        if !activity.owner.is_empty() {
            out.push_str(" · ");
            html_into(&activity.owner, &mut out);
        }
        out.push_str("</span></li>");
    }
    out.push_str("\n  </ul>\n  <p class=\"card-meta\"><a href=\"");
    html_into(&urls.index, &mut out);
    out.push_str("\">The whole operating rhythm</a> · <a href=\"");
    html_into(&urls.calendar, &mut out);
    out.push_str("\">Calendar</a></p>\n</section>");
    out
}
