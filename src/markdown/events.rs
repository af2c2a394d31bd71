//! The page's event list as the passes share it: sized and joined as it is
//! parsed, so a page's events stay proportional to its structure, and added
//! to in one move when many events go in at once.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

/// Appends an event, joining a text event to the text event before it when
/// both are the source text side by side. The parser splits text at every
/// delimiter it could not match (`*a_ *a_ ...` is four events per four
/// bytes); joined, a page's events stay proportional to its structure.
// Called once per event the parser writes: inlined into the loop that
// collects them, as it was when the two lived in one module.
#[inline]
pub(super) fn push_merging_text<'a>(
    events: &mut Vec<(Event<'a>, Range<usize>)>,
    event: Event<'a>,
    range: Range<usize>,
    text: &'a str,
) {
    if let (
        Event::Text(CowStr::Borrowed(next)),
        Some((Event::Text(CowStr::Borrowed(prev)), prev_range)),
    ) = (&event, events.last_mut())
    {
        // The same bytes of the source, not merely equal text (escapes and
        // entities make text that is not its source): compared by address.
        let is_source = |s: &str, r: &Range<usize>| {
            text.get(r.clone())
                .is_some_and(|t| std::ptr::eq(t.as_ptr(), s.as_ptr()) && t.len() == s.len())
        };
        let adjacent =
            prev_range.end == range.start && is_source(prev, prev_range) && is_source(next, &range);
        if adjacent {
            let joined = prev_range.start..range.end;
            *prev = &text[joined.clone()];
            *prev_range = joined;
            return;
        }
    }
    events.push((event, range));
}

/// Inserts each `(index, event)` before the event at `index`, as if inserted
/// one by one in the order given (a later one at the same index goes first),
/// but moving the events once instead of once per insertion.
pub(super) fn insert_in_one_pass<'a>(
    events: &mut Vec<(Event<'a>, Range<usize>)>,
    inserts: Vec<(usize, (Event<'a>, Range<usize>))>,
) {
    if inserts.is_empty() {
        return;
    }
    let mut inserts: Vec<(usize, usize, (Event<'a>, Range<usize>))> = inserts
        .into_iter()
        .enumerate()
        .map(|(seq, (index, event))| (index, seq, event))
        .collect();
    inserts.sort_by_key(|(index, seq, _)| (*index, std::cmp::Reverse(*seq)));
    let old = std::mem::take(events);
    events.reserve(old.len() + inserts.len());
    let mut pending = inserts.into_iter().peekable();
    for (i, event) in old.into_iter().enumerate() {
        while let Some((_, _, inserted)) = pending.next_if(|(index, _, _)| *index == i) {
            events.push(inserted);
        }
        events.push(event);
    }
    events.extend(pending.map(|(_, _, inserted)| inserted));
}
