//! What an edit changes besides the page's text: what other pages show of
//! it, and the date it shows.

use super::Workspace;
use crate::content::history;
use crate::content::Page;

/// What other pages show of a page: when it changes, their frames may too.
pub(super) fn signature(
    page: &Page,
) -> (String, Option<String>, i64, String, Option<String>, String) {
    (
        page.url.path.clone(),
        page.front.title.clone(),
        page.front.weight,
        page.front.description.clone(),
        page.front.date.clone(),
        serde_json::to_string(&page.front.extra).unwrap_or_default(),
    )
}

impl Workspace {
    /// An edited page dated by its file (no commit of it yet) shows the
    /// edit's time, as a build after the edit would; a committed page keeps
    /// its last commit's date until the edit is committed.
    pub(super) fn date_edit(&mut self, rel: &str) {
        let path = self.config.content_dir.join(rel);
        match history::after_edit(self.history.get(rel), &path) {
            Some(change) => {
                self.history.insert(rel.to_string(), change);
            }
            None => {
                self.history.remove(rel);
            }
        }
    }
}
