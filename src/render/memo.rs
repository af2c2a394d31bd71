//! The renders of the pages `handbook` generates (listings, tag and cadence
//! pages), kept from one build to the next by a fingerprint of the template
//! name and the whole context it was given. A title edit changes the
//! listing of its section and the pages that list it; the others come from
//! here instead of Tera.

use std::borrow::BorrowMut;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use xxhash_rust::xxh3::Xxh3;

use super::context::TemplateData;

/// Renders by key: the last build's, and this build's as they are used.
#[derive(Default)]
pub struct RenderMemo {
    /// What every key is seeded with: the templates, settings and rhythm
    /// (a change to any of them is a change to every key).
    scope: u64,
    previous: HashMap<u64, Arc<str>>,
    used: Mutex<HashMap<u64, Arc<str>>>,
}

impl RenderMemo {
    pub fn new(scope: u64, previous: impl IntoIterator<Item = (u64, String)>) -> RenderMemo {
        RenderMemo {
            scope,
            previous: previous
                .into_iter()
                .map(|(key, html)| (key, Arc::from(html)))
                .collect(),
            used: Mutex::new(HashMap::new()),
        }
    }

    /// The key of rendering `template` with `data`.
    pub fn key(&self, template: &str, data: &TemplateData) -> u64 {
        let mut hasher = BufferedXxh3::new(Xxh3::with_seed(self.scope));
        hasher.update(template.as_bytes());
        hasher.update(&[0]);
        for (name, value) in data.values() {
            hash_str(&mut hasher, name);
            hash_value(&mut hasher, value);
        }
        hasher.digest()
    }

    /// The last build's render under `key`, noted as used.
    pub fn recall(&self, key: u64) -> Option<String> {
        let html = self.previous.get(&key)?;
        if let Ok(mut used) = self.used.lock() {
            used.insert(key, html.clone());
        }
        Some(html.to_string())
    }

    /// Notes every render of the last build as used (its pages were kept
    /// whole, without rendering).
    pub fn recall_all(&self) {
        if let Ok(mut used) = self.used.lock() {
            used.extend(self.previous.iter().map(|(k, v)| (*k, v.clone())));
        }
    }

    pub fn remember(&self, key: u64, html: &str) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key, Arc::from(html));
        }
    }

    /// The scope and the renders this build used, for the next build.
    pub fn into_used(self) -> (u64, Vec<(u64, String)>) {
        let used = self.used.into_inner().unwrap_or_default();
        let mut renders: Vec<(u64, String)> = used
            .into_iter()
            .map(|(key, html)| (key, html.to_string()))
            .collect();
        renders.sort_by_key(|(key, _)| *key);
        (self.scope, renders)
    }
}

/// Feeds a value to the hasher as it is, with a tag before each part so
/// that no two values feed the same bytes (a calendar page's data is
/// megabytes: serializing it to JSON to hash it cost more than rendering).
fn hash_value(hasher: &mut BufferedXxh3, value: &Value) {
    match value {
        Value::Null => hasher.update(b"n"),
        Value::Bool(b) => hasher.update(if *b { b"t" } else { b"f" }),
        Value::Number(n) => {
            hasher.update(b"#");
            hash_str(hasher, &n.to_string());
        }
        Value::String(s) => {
            hasher.update(b"s");
            hash_str(hasher, s);
        }
        Value::Array(items) => {
            hasher.update(b"[");
            hasher.update(&(items.len() as u64).to_le_bytes());
            for item in items {
                hash_value(hasher, item);
            }
        }
        Value::Object(map) => {
            hasher.update(b"{");
            hasher.update(&(map.len() as u64).to_le_bytes());
            for (key, item) in map {
                hash_str(hasher, key);
                hash_value(hasher, item);
            }
        }
    }
}

/// A string with its length first, so that adjacent strings cannot run
/// into each other.
fn hash_str(hasher: &mut BufferedXxh3, s: &str) {
    hasher.update(&(s.len() as u64).to_le_bytes());
    hasher.update(s.as_bytes());
}

/// An XXH3 hasher fed through a buffer. A value walked part by part (or
/// serialized by serde, or printed by `Debug`) comes a few bytes at a
/// time, and each streaming update costs about as much whatever its size
/// (it copies into XXH3's own block): fed in blocks of [`BUFFERED_BYTES`],
/// the digest is the same (the digest of a stream is that of its bytes one
/// after the other) for a fraction of the work. It holds its hasher or
/// borrows one (`&mut Xxh3`) that goes on being fed after
/// [`BufferedXxh3::finish`].
pub struct BufferedXxh3<H: BorrowMut<Xxh3> = Xxh3> {
    hasher: H,
    buffer: Vec<u8>,
}

const BUFFERED_BYTES: usize = 8 * 1024;

impl<H: BorrowMut<Xxh3>> BufferedXxh3<H> {
    pub fn new(hasher: H) -> BufferedXxh3<H> {
        BufferedXxh3 {
            hasher,
            buffer: Vec::with_capacity(BUFFERED_BYTES),
        }
    }

    #[inline]
    pub fn update(&mut self, bytes: &[u8]) {
        if self.buffer.len() + bytes.len() > BUFFERED_BYTES {
            self.hasher.borrow_mut().update(&self.buffer);
            self.buffer.clear();
            if bytes.len() >= BUFFERED_BYTES {
                self.hasher.borrow_mut().update(bytes);
                return;
            }
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The hasher, fed everything written so far.
    pub fn finish(mut self) -> H {
        self.hasher.borrow_mut().update(&self.buffer);
        self.hasher
    }

    pub fn digest(self) -> u64 {
        self.finish().borrow().digest()
    }
}

/// For serde's writers: what is serialized is hashed, never kept.
impl<H: BorrowMut<Xxh3>> std::io::Write for BufferedXxh3<H> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// For `write!`: what is printed is hashed, never kept.
impl<H: BorrowMut<Xxh3>> std::fmt::Write for BufferedXxh3<H> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.update(text.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dice::Dice;

    /// Fed in pieces of any size, across the buffer's edge and past it, the
    /// digest is that of the bytes hashed in one go.
    #[test]
    fn a_buffered_digest_is_the_digest_of_the_bytes() {
        let mut dice = Dice(0xb0ff_e4ed);
        for round in 0..60 {
            let seed = round as u64;
            let mut buffered = BufferedXxh3::new(Xxh3::with_seed(seed));
            let mut all = Vec::new();
            for _ in 0..dice.below(40) {
                let len = dice.pick(&[0, 1, 7, 300, BUFFERED_BYTES - 1, BUFFERED_BYTES, 20_000]);
                let piece: Vec<u8> = (0..len).map(|i| (i * 31 + round) as u8).collect();
                buffered.update(&piece);
                all.extend_from_slice(&piece);
            }
            let mut whole = Xxh3::with_seed(seed);
            whole.update(&all);
            assert_eq!(buffered.digest(), whole.digest(), "round {round}");
            // A borrowed hasher is fed the same, and can go on.
            let mut borrowed = Xxh3::with_seed(seed);
            let mut feed = BufferedXxh3::new(&mut borrowed);
            feed.update(&all);
            feed.finish().update(b"more");
            whole.update(b"more");
            assert_eq!(borrowed.digest(), whole.digest(), "round {round}");
        }
    }
}
