//! Watching the files a site is built from, and sorting changes by what they
//! make `serve` redo.
//!
//! notify reports raw events; notify-debouncer-mini folds an editor's burst
//! (write, close, rename over) into one path per file once the burst has been
//! quiet for [`DEBOUNCE`]. The kind of event is not trusted: whether a file
//! was created, modified or deleted is read from the disk when the batch is
//! applied, which also copes with renames and with atomic saves.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventHandler, EventKind, RecommendedWatcher, RecursiveMode, WatcherKind};
use notify_debouncer_mini::{
    new_debouncer_opt, DebounceEventResult, DebouncedEventKind, Debouncer,
};

use crate::config::{Config, CONFIG_FILE};
use crate::content;

/// Quiet time after the last event on a path before it is reported: long
/// enough to fold an editor's save into one event, short enough to feel
/// instant.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// A changed file, by what it affects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Changed {
    /// `site.toml`.
    Config,
    /// A template of the theme or of the site.
    Template,
    /// A theme or site static file, by its output path.
    Static(String),
    /// A Markdown page, by its content-relative path.
    Page(String),
    /// Any other content file, by its content-relative path.
    Asset(String),
    /// A folder inside the content (created, renamed, deleted): the content
    /// is loaded again.
    ContentFolder,
}

/// The folders `serve` watches, made absolute so that event paths compare.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub theme: PathBuf,
    /// The content `build` leaves out (`exclude`): edits to it change nothing.
    excluded: content::excluded::Excluded,
    /// Partials and included files the site read from outside the folders
    /// above (an mdBook's `../listings/main.rs`): their folders are watched
    /// too, and an edit loads the content again.
    included: Vec<PathBuf>,
}

impl Layout {
    pub fn new(config: &Config) -> Layout {
        let root = absolute(&config.root);
        Layout {
            theme: root.join("themes").join(&config.site.theme),
            content: absolute(&config.content_dir),
            root,
            excluded: content::excluded::Excluded::new(config, &mut Vec::new()),
            included: Vec::new(),
        }
    }

    /// Notes the partials and included files the site read (as
    /// [`content::includes::Includes::looked_up`] lists them); those outside
    /// the watched folders are watched from the next [`Watcher::refresh`].
    pub fn note_included(&mut self, looked_up: Vec<PathBuf>) {
        self.included.clear();
        let mut outside: Vec<PathBuf> = looked_up
            .iter()
            .filter_map(|path| resolved(path))
            .filter(|path| {
                !path.starts_with(&self.content)
                    && self.classify(path).is_none()
                    && path.parent().is_some_and(Path::is_dir)
            })
            .collect();
        outside.sort();
        outside.dedup();
        self.included = outside;
    }

    /// Folders to watch, each with whether to watch below it. Only folders
    /// that exist are returned; [`Watcher::refresh`] adds the rest when they
    /// appear.
    fn targets(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut targets = vec![
            (self.root.clone(), RecursiveMode::NonRecursive),
            (self.content.clone(), RecursiveMode::Recursive),
        ];
        // Hugo's configuration folder.
        targets.push((
            self.root.join("config").join("_default"),
            RecursiveMode::NonRecursive,
        ));
        for dir in [
            self.root.join("templates"),
            self.root.join("static"),
            self.root.join("themes"),
        ] {
            targets.push((dir, RecursiveMode::Recursive));
        }
        for file in &self.included {
            if let Some(folder) = file.parent() {
                targets.push((folder.to_path_buf(), RecursiveMode::NonRecursive));
            }
        }
        targets.retain(|(dir, _)| dir.is_dir());
        targets.dedup();
        targets
    }

    /// What a changed path affects; `None` for files `serve` ignores (editor
    /// swap files, hidden files, anything outside the site's inputs).
    pub fn classify(&self, path: &Path) -> Option<Changed> {
        if path == self.root.join(CONFIG_FILE)
            || crate::config::detect::settings_files().any(|name| path == self.root.join(name))
        {
            return Some(Changed::Config);
        }
        if let Ok(rel) = path.strip_prefix(&self.content) {
            return self.classify_content(path, rel);
        }
        if self.included.iter().any(|file| file == path) {
            return Some(Changed::ContentFolder);
        }
        for static_dir in [self.root.join("static"), self.theme.join("static")] {
            if let Ok(rel) = path.strip_prefix(&static_dir) {
                let rel = slash_path(rel);
                if rel.is_empty()
                    || is_editor_file(&rel)
                    || rel.split('/').any(|p| p.starts_with('.'))
                {
                    return None;
                }
                return Some(Changed::Static(rel));
            }
        }
        for templates in [self.root.join("templates"), self.theme.join("templates")] {
            if let Ok(rel) = path.strip_prefix(&templates) {
                let rel = slash_path(rel);
                return (!is_editor_file(&rel) && !rel.split('/').any(|p| p.starts_with('.')))
                    .then_some(Changed::Template);
            }
        }
        // A templates, static or theme folder that appeared or went away.
        if path == self.root.join("templates")
            || path == self.root.join("static")
            || path.starts_with(&self.theme)
        {
            return Some(Changed::Template);
        }
        None
    }

    fn classify_content(&self, path: &Path, rel: &Path) -> Option<Changed> {
        let rel = slash_path(rel);
        if rel.is_empty() {
            return Some(Changed::ContentFolder);
        }
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        // The order of the pages is read from it.
        if content::reading_order::ORDER_FILES.contains(&name) {
            return Some(Changed::ContentFolder);
        }
        if is_editor_file(&rel)
            || rel.split('/').any(|p| p.starts_with('.'))
            || self.excluded.file(&rel)
        {
            return None;
        }
        if content::is_skipped_path(&rel) {
            // A partial, an include or a data file: the pages that read it
            // are found by loading the content again.
            return Some(Changed::ContentFolder);
        }
        if path.is_dir() {
            return Some(Changed::ContentFolder);
        }
        Some(match content::url::source_kind(&rel) {
            content::SourceKind::Markdown | content::SourceKind::MarkdownErb => Changed::Page(rel),
            content::SourceKind::Asset => Changed::Asset(rel),
            // Loaded as a warning only; a change does not alter the site.
            content::SourceKind::Unsupported => return None,
        })
    }
}

/// Backups, swap and lock files that editors write next to the real file.
fn is_editor_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".kate-swp")
        || (name.starts_with('#') && name.ends_with('#'))
        // Vim writes and deletes `4913` to test whether it may create files.
        || name == "4913"
}

fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// An absolute path with symbolic links resolved, so that it compares with
/// the paths notify reports.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// A file's path as notify reports it: its folder's symbolic links and
/// `..` resolved (the file itself may not exist yet).
fn resolved(path: &Path) -> Option<PathBuf> {
    let folder = path.parent()?.canonicalize().ok()?;
    Some(folder.join(path.file_name()?))
}

/// The platform watcher, without the events that reading a file causes.
///
/// On Linux, notify also reports files being opened and closed after
/// reading; `serve` reads every page when it builds, so those events would
/// start a rebuild after each rebuild. Only changes get through (and the
/// close of a file opened for writing, which marks the end of a save).
pub struct ChangesOnly(RecommendedWatcher);

fn is_change(event: &Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

impl notify::Watcher for ChangesOnly {
    fn new<F: EventHandler>(mut event_handler: F, config: notify::Config) -> notify::Result<Self> {
        let inner = RecommendedWatcher::new(
            move |event: notify::Result<Event>| match &event {
                Ok(e) if !is_change(e) => {}
                _ => event_handler.handle_event(event),
            },
            config,
        )?;
        Ok(ChangesOnly(inner))
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, recursive_mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> WatcherKind {
        RecommendedWatcher::kind()
    }
}

/// The running watch; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<ChangesOnly>,
    watching: Vec<PathBuf>,
}

impl Watcher {
    /// Starts watching; batches of changed paths arrive on the returned channel.
    pub fn start(
        layout: &Layout,
    ) -> Result<(Watcher, mpsc::Receiver<Vec<PathBuf>>), notify::Error> {
        let (tx, rx) = mpsc::channel();
        let config = notify_debouncer_mini::Config::default()
            .with_timeout(DEBOUNCE)
            .with_batch_mode(true);
        // Errors (a watch limit reached, a folder gone) surface as a missed
        // change, which the next change of the same file repairs.
        let handler = move |result: DebounceEventResult| {
            if let Ok(events) = result {
                // `AnyContinuous` reports a path still being written; the
                // final `Any` follows once it is quiet.
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| e.kind == DebouncedEventKind::Any)
                    .map(|e| e.path)
                    .collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
        };
        let debouncer = new_debouncer_opt::<_, ChangesOnly>(config, handler)?;
        let mut watcher = Watcher {
            debouncer,
            watching: Vec::new(),
        };
        watcher.refresh(layout)?;
        Ok((watcher, rx))
    }

    /// Watches folders that appeared since the last call (a new `templates/`).
    pub fn refresh(&mut self, layout: &Layout) -> Result<(), notify::Error> {
        for (dir, mode) in layout.targets() {
            if self.watching.contains(&dir) {
                continue;
            }
            self.debouncer.watcher().watch(&dir, mode)?;
            self.watching.push(dir);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The site at `/site`, excluding `drafts/`.
    fn layout() -> Layout {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::write(dir.path().join(CONFIG_FILE), "exclude = [\"drafts\"]\n").expect("write");
        std::fs::create_dir(dir.path().join("content")).expect("content");
        let config = Config::load(dir.path(), &Default::default()).expect("config");
        Layout {
            root: "/site".into(),
            content: "/site/content".into(),
            theme: "/site/themes/default".into(),
            excluded: content::excluded::Excluded::new(&config, &mut Vec::new()),
            included: Vec::new(),
        }
    }

    #[test]
    fn changes_are_sorted_by_what_they_affect() {
        let l = layout();
        let c = |p: &str| l.classify(Path::new(p));
        assert_eq!(c("/site/site.toml"), Some(Changed::Config));
        assert_eq!(c("/site/templates/page.html"), Some(Changed::Template));
        assert_eq!(
            c("/site/themes/default/templates/base.html"),
            Some(Changed::Template)
        );
        assert_eq!(
            c("/site/static/css/site.css"),
            Some(Changed::Static("css/site.css".into()))
        );
        assert_eq!(
            c("/site/themes/default/static/js/a.js"),
            Some(Changed::Static("js/a.js".into()))
        );
        assert_eq!(
            c("/site/content/sales/a.md"),
            Some(Changed::Page("sales/a.md".into()))
        );
        assert_eq!(
            c("/site/content/sales/a.html.md.erb"),
            Some(Changed::Page("sales/a.html.md.erb".into()))
        );
        assert_eq!(
            c("/site/content/img/x.png"),
            Some(Changed::Asset("img/x.png".into()))
        );
        assert_eq!(c("/site/public/index.html"), None);
        assert_eq!(c("/site/README.md"), None);
    }

    #[test]
    fn editor_and_hidden_files_are_ignored() {
        let l = layout();
        for p in [
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/4913",
            "/site/content/#a.md#",
            "/site/content/.git/index",
            "/site/templates/.page.html.swp",
        ] {
            assert_eq!(l.classify(Path::new(p)), None, "{p}");
        }
    }

    #[test]
    fn excluded_files_change_nothing_and_order_files_reorder() {
        let l = layout();
        assert_eq!(l.classify(Path::new("/site/content/drafts/a.md")), None);
        for p in [
            "/site/content/SUMMARY.md",
            "/site/content/ops/.pages",
            "/site/content/_sidebar.md",
        ] {
            assert_eq!(
                l.classify(Path::new(p)),
                Some(Changed::ContentFolder),
                "{p}"
            );
        }
        assert_eq!(
            l.classify(Path::new("/site/mkdocs.yml")),
            Some(Changed::Config)
        );
    }

    #[test]
    fn a_partial_or_data_file_loads_the_content_again() {
        let l = layout();
        for p in [
            "/site/content/_partial.md",
            "/site/content/_includes/note.html",
            "/site/content/_data/team.yml",
        ] {
            assert_eq!(
                l.classify(Path::new(p)),
                Some(Changed::ContentFolder),
                "{p}"
            );
        }
    }

    /// An mdBook's listings beside `src/`: watched once a page read one.
    #[test]
    fn included_files_outside_the_content_are_watched() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path().canonicalize().expect("root");
        for folder in ["src", "listings"] {
            std::fs::create_dir(root.join(folder)).expect("mkdir");
        }
        std::fs::write(root.join(CONFIG_FILE), "content_dir = \"src\"\n").expect("write");
        let config = Config::load(&root, &Default::default()).expect("config");
        let mut l = Layout::new(&config);
        let listing = root.join("listings/main.rs");
        assert_eq!(l.classify(&listing), None);
        l.note_included(vec![
            root.join("src/../listings/main.rs"),
            root.join("src/_partial.md"),
            root.join("gone/x.rs"),
        ]);
        assert_eq!(l.classify(&listing), Some(Changed::ContentFolder));
        assert!(l
            .targets()
            .contains(&(root.join("listings"), RecursiveMode::NonRecursive)));
        assert_eq!(l.included, vec![listing.clone()]);
        // Noted again: a listing no page reads any more is not watched.
        l.note_included(Vec::new());
        assert_eq!(l.classify(&listing), None);
    }
}
