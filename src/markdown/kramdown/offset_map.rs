//! A rewritten text that still knows where each byte came from: every pass
//! before the parser (partials, callouts, math, the kramdown line pass)
//! writes through a [`Builder`], so a link or a note found in the rewritten
//! text is reported at its line and column in the author's file.

use std::ops::Range;

/// Maps offsets in the prepared text back to offsets in the original body.
#[derive(Debug, Default, Clone)]
pub struct OffsetMap {
    /// (prepared start, original start, copied) — copied segments map one to
    /// one; inserted ones map to their anchor.
    segments: Vec<(usize, usize, bool)>,
}

impl OffsetMap {
    pub fn to_original(&self, prepared: usize) -> usize {
        let i = match self.segments.binary_search_by(|s| s.0.cmp(&prepared)) {
            Ok(i) => i,
            Err(0) => return prepared,
            Err(i) => i - 1,
        };
        let (p, o, copied) = self.segments[i];
        if copied {
            o + (prepared - p)
        } else {
            o
        }
    }
}

/// Writes a new text from slices of a source and inserted text, keeping the
/// map from the new text's offsets back to the source's.
pub(in crate::markdown) struct Builder<'a> {
    src: &'a str,
    out: String,
    map: OffsetMap,
}

impl<'a> Builder<'a> {
    pub(in crate::markdown) fn new(src: &'a str) -> Builder<'a> {
        Builder {
            src,
            out: String::with_capacity(src.len() + 64),
            map: OffsetMap::default(),
        }
    }

    /// How many bytes have been written.
    pub(in crate::markdown) fn written(&self) -> usize {
        self.out.len()
    }

    /// The source the text is written from.
    pub(super) fn src(&self) -> &'a str {
        self.src
    }

    /// What has been written since `start` bytes had been.
    pub(super) fn written_since(&self, start: usize) -> &str {
        &self.out[start..]
    }

    /// Takes back what was written after the first `len` bytes, and its map.
    pub(super) fn truncate(&mut self, len: usize) {
        self.out.truncate(len);
        self.map.segments.retain(|s| s.0 < len);
    }

    /// The text written and its map.
    pub(in crate::markdown) fn finish(self) -> (String, OffsetMap) {
        (self.out, self.map)
    }

    pub(in crate::markdown) fn copy(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        // A copy that continues the previous one (the next line, most often)
        // extends its segment: the map stays one entry per change.
        let continues = self
            .map
            .segments
            .last()
            .is_some_and(|&(p, o, copied)| copied && o + (self.out.len() - p) == range.start);
        if !continues {
            self.map.segments.push((self.out.len(), range.start, true));
        }
        self.out.push_str(&self.src[range]);
    }
    pub(in crate::markdown) fn insert(&mut self, text: &str, anchor: usize) {
        if text.is_empty() {
            return;
        }
        self.map.segments.push((self.out.len(), anchor, false));
        self.out.push_str(text);
    }
}
