//! Headings in the events: each gets its id by the site's flavour (see
//! `ids/`) and is recorded, with its title and place, for the TOC.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::ids::PageIds;
use super::Heading;

/// Gives every heading its id (explicit ids win; whether they count is the
/// flavour's rule, see `ids::unique`) and records the headings for the TOC.
pub(super) fn assign_heading_ids(
    events: &mut [(Event, Range<usize>)],
    allocator: &mut PageIds,
    headings: &mut Vec<Heading>,
) {
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, .. }) = &events[i].0 else {
            i += 1;
            continue;
        };
        let level = *level as u8;
        let mut title = String::new();
        let mut j = i + 1;
        let mut image_depth = 0;
        while j < events.len() {
            match &events[j].0 {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Start(Tag::Image { .. }) => image_depth += 1,
                Event::End(TagEnd::Image) => image_depth -= 1,
                Event::Text(t) | Event::Code(t) if image_depth == 0 => title.push_str(t),
                Event::SoftBreak | Event::HardBreak => title.push(' '),
                _ => {}
            }
            j += 1;
        }
        if j == i + 1 && matches!(&events[i].0, Event::Start(Tag::Heading { id: None, .. })) {
            // `###` with nothing after it: an empty heading a reader cannot
            // see, left out of the page and the TOC. Its id still counts,
            // as in kramdown, so the ids after it stay the same.
            let _ = allocator.allocate("", level, events[i].1.clone());
            events[i].0 = Event::Text(CowStr::Borrowed(""));
            events[j].0 = Event::Text(CowStr::Borrowed(""));
            i = j + 1;
            continue;
        }
        if let (Event::Start(Tag::Heading { id, classes, .. }), range) = &mut events[i] {
            let in_toc = !classes.iter().any(|c| c.as_ref() == "no_toc");
            let final_id = match id {
                Some(explicit) => {
                    allocator.explicit(explicit, level);
                    Some(explicit.to_string())
                }
                None => {
                    let new = allocator.allocate(&title, level, range.clone());
                    if let Some(new) = &new {
                        *id = Some(CowStr::from(new.clone()));
                    }
                    new
                }
            };
            headings.push(Heading {
                level,
                id: final_id,
                title: title.trim().to_string(),
                in_toc,
                offset: range.start,
            });
        }
        i = j + 1;
    }
}
