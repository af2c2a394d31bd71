//! The parts of the link index ([`super::LinkIndex`]) built from every
//! page: independent of each other, so built on both cores at once.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::{anchor_digest, last_segment, parent_path};
use crate::content::Page;

/// Pages whose anchors one task of [`anchor_digest_set`] hashes.
const ANCHOR_PAGES_PER_TASK: usize = 256;

/// Every page's anchors as [`anchor_digest`]s, hashed on every core.
pub(super) fn anchor_digest_set(anchors: &[&[String]]) -> HashSet<u64> {
    use rayon::prelude::*;
    let digests: Vec<Vec<u64>> = anchors
        .par_chunks(ANCHOR_PAGES_PER_TASK)
        .enumerate()
        .map(|(chunk, pages)| {
            let first = chunk * ANCHOR_PAGES_PER_TASK;
            let page_digests = pages.iter().enumerate().flat_map(|(i, page_anchors)| {
                page_anchors
                    .iter()
                    .map(move |a| anchor_digest(first + i, a))
            });
            page_digests.collect()
        })
        .collect();
    let mut set = HashSet::with_capacity(digests.iter().map(Vec::len).sum());
    set.extend(digests.into_iter().flatten());
    set
}

/// Page path -> page index.
pub(super) fn path_map(pages: &[Page]) -> HashMap<&str, usize> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.path.as_str(), i))
        .collect()
}

/// Page paths grouped by a part of their path.
pub(super) type PathsBy<'a> = HashMap<&'a str, Vec<&'a str>>;

/// Page paths by last segment and by parent path, for suggestions.
pub(super) fn near_paths(pages: &[Page]) -> (PathsBy<'_>, PathsBy<'_>) {
    let mut by_last_segment: PathsBy = HashMap::new();
    let mut by_parent: PathsBy = HashMap::new();
    for page in pages {
        let path = page.url.path.as_str();
        by_last_segment
            .entry(last_segment(path))
            .or_default()
            .push(path);
        if parent_path(path) != path {
            by_parent.entry(parent_path(path)).or_default().push(path);
        }
    }
    (by_last_segment, by_parent)
}

/// Lowercased page path -> page path.
pub(super) fn lowercase_paths(pages: &[Page]) -> HashMap<String, &str> {
    pages
        .iter()
        .map(|p| (p.url.path.to_lowercase(), p.url.path.as_str()))
        .collect()
}
