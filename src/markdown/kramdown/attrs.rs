//! kramdown attribute lists: `{: .class #id key="value"}` and the
//! `{#id .class}` of headings, parsed into [`Attrs`].

use super::syntax::is_id_and_class_word;

/// Attributes from an inline attribute list (IAL) or heading attribute block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub pairs: Vec<(String, String)>,
}

impl Attrs {
    pub fn is_empty(&self) -> bool {
        self.id.is_none() && self.classes.is_empty() && self.pairs.is_empty()
    }
    pub fn has_class(&self, class: &str) -> bool {
        self.classes.iter().any(|c| c == class)
    }
    pub fn merge(&mut self, other: Attrs) {
        if other.id.is_some() {
            self.id = other.id;
        }
        for class in other.classes {
            if !self.classes.contains(&class) {
                self.classes.push(class);
            }
        }
        for (k, v) in other.pairs {
            match self.pairs.iter_mut().find(|(key, _)| *key == k) {
                Some(pair) => pair.1 = v,
                None => self.pairs.push((k, v)),
            }
        }
    }
}

/// Parses the inside of `{: ...}` / `{#id .class key="v"}`: `.class`, `.a.b`,
/// `#id`, `key="value"`, `key='value'`, `key=value`. Unknown words (ALD
/// references) are ignored.
pub fn parse_attrs(inner: &str) -> Attrs {
    let mut attrs = Attrs::default();
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        // A word runs to whitespace, except inside quotes.
        let mut quote = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b.is_ascii_whitespace() => break,
                None => {}
            }
            i += 1;
        }
        let word = &inner[start..i];
        if word.starts_with(['#', '.']) {
            // kramdown allows ids and classes run together: `#id.a.b`, `.a#id`,
            // and ignores the whole word when one id does not start with a
            // letter (`#1password`): the heading keeps its automatic id.
            if !is_id_and_class_word(word) {
                continue;
            }
            for (marker, name) in id_and_class_parts(word) {
                if marker == '#' {
                    attrs.id = Some(name.to_string());
                } else if !attrs.classes.iter().any(|c| c == name) {
                    attrs.classes.push(name.to_string());
                }
            }
        } else if let Some(eq) = word.find('=') {
            let key = &word[..eq];
            let value = word[eq + 1..].trim_matches(|c| c == '"' || c == '\'');
            if !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':')
            {
                attrs.pairs.push((key.to_string(), value.to_string()));
            }
        }
    }
    attrs
}

/// Splits `#id.a.b` into `('#', "id"), ('.', "a"), ('.', "b")`; empty names are skipped.
fn id_and_class_parts(word: &str) -> impl Iterator<Item = (char, &str)> {
    let starts: Vec<usize> = word.match_indices(['#', '.']).map(|(i, _)| i).collect();
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([word.len()]).collect();
    starts
        .into_iter()
        .zip(ends)
        .filter(|(start, end)| end - start > 1)
        .map(move |(start, end)| (char::from(word.as_bytes()[start]), &word[start + 1..end]))
}

/// Where a block IAL applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrTarget {
    /// The block that ends just before `at` (the IAL line follows it).
    Previous,
    /// The block that starts at or after `at` (the IAL line precedes it).
    Next,
    /// The heading on the line that starts at `at` (`## Title {#id}`).
    HeadingOnLine,
}

#[derive(Debug, Clone)]
pub struct BlockAttr {
    /// Offset in the prepared text.
    pub at: usize,
    pub target: AttrTarget,
    pub attrs: Attrs,
}
