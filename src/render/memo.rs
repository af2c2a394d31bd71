//! The renders of the pages `handbook` generates (listings, tag and cadence
//! pages), kept from one build to the next by a fingerprint of the template
//! name and the whole context it was given. A title edit changes the
//! listing of its section and the pages that list it; the others come from
//! here instead of Tera.

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
        let mut hasher = Xxh3::with_seed(self.scope);
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
fn hash_value(hasher: &mut Xxh3, value: &Value) {
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
fn hash_str(hasher: &mut Xxh3, s: &str) {
    hasher.update(&(s.len() as u64).to_le_bytes());
    hasher.update(s.as_bytes());
}
