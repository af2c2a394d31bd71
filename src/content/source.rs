//! A page's source text after the Markdown stage: a build lets each page's
//! body go once its Markdown is rendered ([`Page::release_body`]), as a
//! site's Markdown is the largest thing it would otherwise hold through
//! every later stage (500 MB at 50,000 pages). The front matter stays, so
//! every front matter diagnostic still points into `Page::text`. The few
//! later readers of the body (a broken link's line and snippet, a page the
//! page cache renders again) read the file again with [`Page::source`],
//! which checks it against the print taken when the page was loaded: a file
//! changed since then is an error, never another page's text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::Page;

/// The length and XXH3 of a page's whole text as it was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SourcePrint {
    len: usize,
    hash: u64,
}

impl SourcePrint {
    pub fn of(text: &str) -> SourcePrint {
        SourcePrint {
            len: text.len(),
            hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// XXH3 of the text: what the page cache keys a page's Markdown by.
    pub fn hash(&self) -> u64 {
        self.hash
    }
}

/// What loading does with each page's Markdown body.
#[derive(Clone, Copy)]
pub enum BodiesAtLoad<'a> {
    /// Keeps it, for the Markdown stage.
    Keep,
    /// Keeps it, and records what a later build can take without reading
    /// the file ([`KnownHeads`]) for pages whose body `unless` is false for:
    /// a first build with a build cache.
    KeepRecording {
        unless: &'a (dyn Fn(&str) -> bool + Sync),
        known: &'a dyn KnownHeads,
    },
    /// Lets it go as soon as the page is read, but for pages whose body
    /// `unless` is true for: a build whose page cache stands for most pages
    /// reads again only the few it renders, instead of holding the whole
    /// site's Markdown while the cache is read.
    LetGo {
        unless: &'a (dyn Fn(&str) -> bool + Sync),
        /// What an earlier build kept of the page files: a file not
        /// written since is not read at all.
        known: Option<&'a dyn KnownHeads>,
    },
    /// Gives each page, whole, to `read` as soon as it is loaded, on the
    /// core that read it, then lets its body go unless `unless` is true
    /// for it: `check` with no page cache reads each page's Markdown while
    /// the page is in memory, instead of holding the site's Markdown until
    /// every page is loaded. With `known`, records what the next `check`
    /// can take without reading the file, as [`BodiesAtLoad::LetGo`] does.
    ReadAtLoad {
        read: &'a (dyn Fn(&Page, &super::includes::Includes) + Sync),
        unless: &'a (dyn Fn(&str) -> bool + Sync),
        known: Option<&'a dyn KnownHeads>,
    },
}

/// What a build keeps of each page file whose body it lets go at load: the
/// file's front matter (its text up to the body) and the print of its
/// whole text, under the file's metadata. A rebuild after a one-page edit
/// then reads one file for its front matter, not every page of the site;
/// the Markdown stage reads again, and checks against the print, only the
/// pages it renders.
pub trait KnownHeads: Sync {
    /// The front matter and print recorded for the file at `abs`, when its
    /// metadata say it was not written since.
    fn known(
        &self,
        abs: &std::path::Path,
        metadata: &std::fs::Metadata,
    ) -> Option<(String, SourcePrint)>;
    /// Records a page file's front matter and print for the next build.
    fn record(
        &self,
        abs: &std::path::Path,
        metadata: &std::fs::Metadata,
        head: &str,
        print: SourcePrint,
    );
}

/// Why [`Page::source`] has no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("the file cannot be read again: {0}")]
    Unreadable(String),
    #[error("the file changed while the site was being built")]
    Changed,
}

impl Page {
    /// Whether the page still holds its whole text (its body was not let go).
    pub fn holds_body(&self) -> bool {
        self.is_whole(&self.text)
    }

    /// The Markdown body, when the page still holds it.
    pub fn held_body(&self) -> Option<&str> {
        self.holds_body()
            .then(|| self.text.get(self.split.body_start..))
            .flatten()
    }

    /// The whole text of the page as loaded: held, or read again from its
    /// file and checked against the print taken when it was loaded.
    pub fn source(&self) -> Result<Cow<'_, str>, SourceError> {
        if self.holds_body() {
            return Ok(Cow::Borrowed(&self.text));
        }
        self.read_source().map(Cow::Owned)
    }

    /// Whether `text` is the page's whole text (a stage that took the text
    /// out of the page asks), not only its front matter.
    pub fn is_whole(&self, text: &str) -> bool {
        text.len() == self.print.len
    }

    /// The file's text, when it is still what was loaded.
    pub fn read_source(&self) -> Result<String, SourceError> {
        let bytes =
            std::fs::read(&self.abs_path).map_err(|e| SourceError::Unreadable(e.to_string()))?;
        let text =
            super::decode(&self.rel_path, bytes).map_err(|d| SourceError::Unreadable(d.message))?;
        if SourcePrint::of(&text) != self.print {
            return Err(SourceError::Changed);
        }
        Ok(text)
    }

    /// The whole text when it can be had, else what the page holds (its
    /// front matter): for diagnostics, which clamp their spans to the text
    /// they are given.
    pub fn source_or_held(&self) -> Cow<'_, str> {
        self.source().unwrap_or(Cow::Borrowed(&self.text))
    }

    /// Lets go of the body, keeping the front matter.
    pub fn release_body(&mut self) {
        release_body(&mut self.text, self.split.body_start);
    }

    /// Lets go of the body unless `read_later` is true for it (a later
    /// stage reads it), which the page then records; whether it was kept.
    pub fn release_body_unless(&mut self, read_later: &(dyn Fn(&str) -> bool + Sync)) -> bool {
        let kept = self.held_body().is_some_and(read_later);
        if kept {
            self.body_read_later = Some(true);
        } else {
            self.release_body();
        }
        kept
    }
}

/// Cuts `text` to its first `body_start` bytes and gives back the rest of
/// its memory (the front matter is copied into a block of its own size).
pub fn release_body(text: &mut String, body_start: usize) {
    let front_end = body_start.min(text.len());
    if front_end < text.len() && text.is_char_boundary(front_end) {
        text.truncate(front_end);
        text.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{page_from_text, SourceKind};

    fn page_in(dir: &std::path::Path, text: &str) -> Page {
        let abs = dir.join("p.md");
        std::fs::write(&abs, text).expect("write");
        let (page, _) = page_from_text(
            "p.md",
            &abs,
            text.to_string(),
            SourceKind::Markdown,
            true,
            false,
        );
        page.expect("page")
    }

    #[test]
    fn a_released_body_is_read_again_from_the_file() {
        let dir = tempfile::tempdir().expect("temp");
        let text = "---\ntitle: T\n---\n# Body\n\nWords.\n";
        let mut page = page_in(dir.path(), text);
        assert_eq!(page.held_body(), Some("# Body\n\nWords.\n"));
        page.release_body();
        assert!(!page.holds_body());
        assert_eq!(page.held_body(), None);
        assert_eq!(page.text, "---\ntitle: T\n---\n");
        assert_eq!(page.source().expect("source"), text);
    }

    #[test]
    fn a_file_changed_since_it_was_loaded_is_not_its_source() {
        let dir = tempfile::tempdir().expect("temp");
        let mut page = page_in(dir.path(), "---\ntitle: T\n---\nBefore.\n");
        page.release_body();
        std::fs::write(&page.abs_path, "---\ntitle: T\n---\nAfter!!\n").expect("write");
        assert_eq!(page.source(), Err(SourceError::Changed));
        assert_eq!(page.source_or_held(), "---\ntitle: T\n---\n");
        std::fs::remove_file(&page.abs_path).expect("remove");
        assert!(matches!(page.source(), Err(SourceError::Unreadable(_))));
    }

    #[test]
    fn a_page_without_a_body_holds_it_still() {
        let dir = tempfile::tempdir().expect("temp");
        let mut page = page_in(dir.path(), "---\ntitle: T\n---\n");
        page.release_body();
        assert!(page.holds_body());
        assert_eq!(page.source().expect("source"), "---\ntitle: T\n---\n");
    }
}

/// Page files read already, each with its metadata as it was before the
/// read, for the load to take instead of reading them again: a first build
/// with a build cache reads every file of the site for the fingerprint of
/// its inputs, and loading the pages read them all a second time. The load
/// still decides which files are pages (a link out of the site is never
/// asked for); a file it does not ask for is let go with the rest.
///
/// It carries the content folder's walk too, when one was made while the
/// fingerprint read the files ([`ReadAhead::walk_content`]): the walk is
/// one core's work, made on the other core instead of after.
#[derive(Default)]
pub struct ReadAhead {
    files: Mutex<HashMap<PathBuf, (Vec<u8>, std::fs::Metadata)>>,
    walked: Mutex<Option<super::Walked>>,
}

impl ReadAhead {
    /// Keeps the bytes of the file at `path`, read after `metadata`.
    pub fn keep(&self, path: &Path, bytes: Vec<u8>, metadata: std::fs::Metadata) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_path_buf(), (bytes, metadata));
        }
    }

    /// The bytes of the file at `path` and its metadata, when they were
    /// read ahead (once: they are handed over).
    pub fn take(&self, path: &Path) -> Option<(Vec<u8>, std::fs::Metadata)> {
        self.files.lock().ok()?.remove(path)
    }

    /// Walks the content folder now, for the load to take.
    pub fn walk_content(&self, config: &crate::config::Config) {
        let walked = super::Walked::of(config);
        if let Ok(mut slot) = self.walked.lock() {
            *slot = Some(walked);
        }
    }

    /// The walk [`ReadAhead::walk_content`] made (once: handed over).
    pub fn take_walk(&self) -> Option<super::Walked> {
        self.walked.lock().ok()?.take()
    }
}
