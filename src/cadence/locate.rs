//! Finds where a cadence field is written in the front matter text, so a
//! diagnostic points at the exact line and column (the parsed YAML has no
//! positions). Works on block-style YAML, the way handbooks write front
//! matter; anything it cannot find falls back to the `cadence:` key.

use std::ops::Range;

use crate::content::front_matter;

pub struct Locator<'a> {
    text: &'a str,
    /// The `cadence:` key, or the start of the front matter.
    key: Range<usize>,
    /// From the `cadence:` key to the next top-level key.
    block: Range<usize>,
    /// Each list item, from its `-` to the next item.
    items: Vec<Range<usize>>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str, front: &Range<usize>) -> Self {
        let front = front.start.min(text.len())..front.end.min(text.len());
        let key = front_matter::key_span(text, &front, "cadence");
        if key.is_empty() {
            return Locator {
                text,
                key: front.start..front.start,
                block: front,
                items: Vec::new(),
            };
        }
        let mut lines = Lines::new(text, line_end(text, key.start), front.end);
        let mut end = front.end;
        // (indent, line start) of every list item line.
        let mut dashes: Vec<(usize, usize)> = Vec::new();
        for (start, line) in lines.by_ref() {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim_start();
            if indent == 0 && !trimmed.is_empty() && !trimmed.starts_with(['-', '#']) {
                end = start;
                break;
            }
            if trimmed == "-" || trimmed.starts_with("- ") {
                dashes.push((indent, start));
            }
        }
        let level = dashes.iter().map(|(i, _)| *i).min();
        let starts: Vec<usize> = dashes
            .iter()
            .filter(|(i, _)| Some(*i) == level)
            .map(|(_, s)| *s)
            .collect();
        let indent = level.unwrap_or(0);
        let items = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| s + indent..starts.get(i + 1).copied().unwrap_or(end))
            .collect();
        Locator {
            text,
            key: key.clone(),
            block: key.start..end,
            items,
        }
    }

    /// The `cadence:` key itself.
    pub fn key(&self) -> Range<usize> {
        self.key.clone()
    }

    /// Item `item` (its first line), or the key.
    pub fn item(&self, item: usize) -> Range<usize> {
        match self.items.get(item) {
            Some(r) => {
                let end = line_end(self.text, r.start).min(r.end);
                r.start..trim_end_at(self.text, r.start, end)
            }
            None => self.key(),
        }
    }

    /// `field:` in item `item` (or in the whole block for `None`).
    pub fn field(&self, item: Option<usize>, field: &str) -> Option<Range<usize>> {
        let region = self.region(item);
        for (start, line) in Lines::new(self.text, region.start, region.end) {
            let content = line.trim_start().trim_start_matches("- ").trim_start();
            let offset = start + (line.len() - content.len());
            let bare = content
                .strip_prefix(field)
                .or_else(|| content.strip_prefix(&format!("\"{field}\"")[..]))
                .or_else(|| content.strip_prefix(&format!("'{field}'")[..]));
            if let Some(rest) = bare {
                if rest.starts_with(':') {
                    return Some(offset..offset + (content.len() - rest.len()));
                }
            }
        }
        None
    }

    /// The value of `field:` in item `item`: the rest of its line, or the more
    /// indented lines below it.
    pub fn value(&self, item: Option<usize>, field: &str) -> Option<Range<usize>> {
        let key = self.field(item, field)?;
        let region = self.region(item);
        let after = key.end + 1;
        let line_stop = line_end(self.text, key.start).min(region.end);
        let inline = after.min(line_stop)..line_stop;
        let inline_text = strip_comment(&self.text[inline.clone()]);
        if !inline_text.trim().is_empty() {
            let start = inline.start + (inline_text.len() - inline_text.trim_start().len());
            return Some(start..inline.start + inline_text.trim_end().len());
        }
        // A block value: the following lines indented more than the key.
        let key_indent = key.start - line_start(self.text, key.start);
        let mut end = line_stop;
        for (start, line) in Lines::new(self.text, line_stop, region.end) {
            let indent = line.len() - line.trim_start().len();
            if !line.trim().is_empty()
                && indent <= key_indent
                && !line.trim_start().starts_with('-')
            {
                break;
            }
            if line.trim_start().starts_with('-') && indent < key_indent {
                break;
            }
            if !line.trim().is_empty() {
                end = start + line.trim_end().len();
            }
        }
        (end > line_stop).then(|| {
            let text = &self.text[line_stop..end];
            line_stop + (text.len() - text.trim_start().len())..end
        })
    }

    /// Best place for a problem with `needle` in `field` of `item`: the needle
    /// inside the value, else the value, else the field, else the item.
    pub fn point(
        &self,
        item: Option<usize>,
        field: Option<&str>,
        needle: Option<&str>,
    ) -> Range<usize> {
        let value = field.and_then(|f| self.value(item, f));
        if let Some(needle) = needle.filter(|n| !n.is_empty()) {
            let region = value.clone().unwrap_or_else(|| self.region(item));
            if let Some(i) = self.text[region.clone()].find(needle) {
                return region.start + i..region.start + i + needle.len();
            }
        }
        if let Some(value) = value {
            return value;
        }
        if let Some(key) = field.and_then(|f| self.field(item, f)) {
            return key;
        }
        match item {
            Some(i) => self.item(i),
            None => self.key(),
        }
    }

    fn region(&self, item: Option<usize>) -> Range<usize> {
        match item.and_then(|i| self.items.get(i)) {
            Some(r) => r.clone(),
            None => self.block.clone(),
        }
    }
}

/// Lines of `text[from..to]` with their start offsets.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    to: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, from: usize, to: usize) -> Self {
        Lines {
            text,
            pos: from.min(to),
            to,
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.to {
            return None;
        }
        let start = self.pos;
        let end = line_end(self.text, start).min(self.to);
        self.pos = end;
        Some((start, self.text[start..end].trim_end_matches(['\n', '\r'])))
    }
}

fn line_end(text: &str, from: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[from.min(text.len())..])
        .map_or(text.len(), |i| from + i + 1)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn trim_end_at(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

/// A YAML comment starts at ` #` outside quotes.
fn strip_comment(value: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in value.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return &value[..i],
            None => {}
        }
        prev = c;
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\ntitle: T\ncadence:\n  - activity: Call\n    every: weekly # often\n    attendees:\n      - A\n      - B\n  - activity: Review\n    every: [monthly, quartely]\nlayout: x\n---\n";

    fn front() -> Range<usize> {
        4..TEXT.len() - 4
    }

    #[test]
    fn finds_items_fields_and_values() {
        let l = Locator::new(TEXT, &front());
        assert_eq!(&TEXT[l.key()], "cadence");
        assert_eq!(&TEXT[l.item(1)], "- activity: Review");
        assert_eq!(&TEXT[l.value(Some(0), "every").unwrap()], "weekly");
        assert_eq!(
            &TEXT[l.value(Some(0), "attendees").unwrap()],
            "- A\n      - B"
        );
        assert_eq!(
            &TEXT[l.point(Some(1), Some("every"), Some("quartely"))],
            "quartely"
        );
        assert_eq!(
            &TEXT[l.point(Some(1), Some("owner"), None)],
            "- activity: Review"
        );
        assert_eq!(&TEXT[l.field(Some(1), "activity").unwrap()], "activity");
    }

    #[test]
    fn shorthand_value() {
        let text = "---\ncadence: quartely\n---\n";
        let l = Locator::new(text, &(4..text.len() - 4));
        assert_eq!(&text[l.point(None, None, Some("quartely"))], "quartely");
    }
}
