//! The renders of the pages `handbook` generates (listings, tag and cadence
//! pages), kept from one build to the next by a fingerprint of the template
//! name and the whole context it was given. A title edit changes the
//! listing of its section and the pages that list it; the others come from
//! here instead of Tera.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use xxhash_rust::xxh3::Xxh3;

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

    /// The key of rendering `template` with `context`.
    pub fn key(&self, template: &str, context: &tera::Context) -> u64 {
        let mut hasher = HashWriter(Xxh3::with_seed(self.scope));
        hasher.0.update(template.as_bytes());
        hasher.0.update(&[0]);
        let _ = serde_json::to_writer(&mut hasher, &context.clone().into_json());
        hasher.0.digest()
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

/// Feeds serialized bytes to the hasher without building a string.
struct HashWriter(Xxh3);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
