//! Reading one page file at load: the whole file, or only its front matter
//! when the build lets bodies go, made from what an earlier build kept of
//! the file when it was not written since ([`source::KnownHeads`]).

use std::path::Path;

use super::{decode, page_from_text, source, Page, SourceKind};
use crate::diagnostics::Diagnostic;

/// One page file to load, and what its loading depends on besides its text.
pub(super) struct PageToLoad<'a> {
    pub rel: &'a str,
    pub abs: &'a Path,
    pub kind: SourceKind,
    pub readme_is_index: bool,
    pub drafts: bool,
    /// The file's bytes when they were read already.
    pub read_ahead: Option<&'a source::ReadAhead>,
}

/// Loads a page as `bodies` says: with its body, or with its front matter
/// only (made from what an earlier build kept of the file, when it was not
/// written since, else read and cut). `includes`: what a page read at load
/// may include.
pub(super) fn load_letting_go(
    file: &PageToLoad,
    bodies: source::BodiesAtLoad,
    includes: &super::includes::Includes,
) -> (Option<Page>, Vec<Diagnostic>) {
    let (unless, known) = match bodies {
        source::BodiesAtLoad::Keep => {
            let (page, diagnostics, _) = load_page(file);
            return (page, diagnostics);
        }
        source::BodiesAtLoad::KeepRecording { unless, known } => {
            let (mut page, diagnostics, metadata) = load_page(file);
            if let Some(page) = &mut page {
                let read_later = page.held_body().is_some_and(unless);
                page.body_read_later = Some(read_later);
                if let (false, Some(metadata)) = (read_later, &metadata) {
                    record_front_matter(known, file, metadata, page);
                }
            }
            return (page, diagnostics);
        }
        source::BodiesAtLoad::LetGo { unless, known } => (unless, known),
        source::BodiesAtLoad::ReadAtLoad {
            read,
            unless,
            known,
        } => {
            let (mut page, diagnostics, metadata) = load_page(file);
            if let Some(page) = &mut page {
                read(page, includes);
                let kept = page.release_body_unless(unless);
                if let (false, Some(known), Some(metadata)) = (kept, known, &metadata) {
                    record_front_matter(known, file, metadata, page);
                }
            }
            return (page, diagnostics);
        }
    };
    if let Some(loaded) = known.and_then(|known| load_known_head(file, known)) {
        return loaded;
    }
    let (mut page, diagnostics, metadata) = load_page(file);
    if let Some(page) = &mut page {
        // What is recorded is the text up to the body: the same before
        // the body goes and after.
        let kept = page.release_body_unless(unless);
        if let (false, Some(known), Some(metadata)) = (kept, known, &metadata) {
            record_front_matter(known, file, metadata, page);
        }
    }
    (page, diagnostics)
}

/// Records the page's front matter (its text up to the body) and print
/// for the next build: the one rule for what is kept, whether the body
/// goes now or not.
fn record_front_matter(
    known: &dyn source::KnownHeads,
    file: &PageToLoad,
    metadata: &std::fs::Metadata,
    page: &Page,
) {
    if let Some(head) = page.text.get(..page.split.body_start) {
        known.record(file.abs, metadata, head, page.print);
    }
}

/// A page from the front matter an earlier build kept of its file, when
/// the file was not written since; `None` to read the file.
fn load_known_head(
    file: &PageToLoad,
    known: &dyn source::KnownHeads,
) -> Option<(Option<Page>, Vec<Diagnostic>)> {
    let metadata = std::fs::metadata(file.abs).ok()?;
    let (head, print) = known.known(file.abs, &metadata)?;
    let (page, diagnostics) = page_from_text(
        file.rel,
        file.abs,
        head,
        file.kind,
        file.readme_is_index,
        file.drafts,
    );
    let page = match page {
        // The front matter ends where the kept text does, as it did in the
        // whole file.
        Some(page) if page.split.body_start == page.text.len() => Page {
            print,
            modified: metadata.modified().ok(),
            ..page
        },
        // Anything else (a draft, with drafts now off) is read whole.
        _ => return None,
    };
    record_front_matter(known, file, &metadata, &page);
    Some((Some(page), diagnostics))
}

/// Reads and makes one page, with the file's metadata as it was read.
pub(super) fn load_page(
    file: &PageToLoad,
) -> (Option<Page>, Vec<Diagnostic>, Option<std::fs::Metadata>) {
    let rel = file.rel;
    let (bytes, metadata) = match read_with_metadata(file.abs, file.read_ahead) {
        Ok(read) => read,
        Err(e) => {
            let d = Diagnostic::error("io", format!("cannot read: {e}")).in_file(rel);
            return (None, vec![d], None);
        }
    };
    let text = match decode(rel, bytes) {
        Ok(text) => text,
        Err(d) => return (None, vec![d], metadata),
    };
    let (page, diagnostics) = page_from_text(
        rel,
        file.abs,
        text,
        file.kind,
        file.readme_is_index,
        file.drafts,
    );
    let modified = metadata.as_ref().and_then(|m| m.modified().ok());
    let page = page.map(|page| Page { modified, ..page });
    (page, diagnostics, metadata)
}

/// A file's bytes and its metadata, from the open file: the history stage
/// would otherwise look every page up by path again for its time (50,000
/// lookups: a twentieth of a one-page rebuild of a site that size).
fn read_with_metadata(
    path: &Path,
    read_ahead: Option<&source::ReadAhead>,
) -> std::io::Result<(Vec<u8>, Option<std::fs::Metadata>)> {
    use std::io::Read;
    if let Some((bytes, metadata)) = read_ahead.and_then(|files| files.take(path)) {
        return Ok((bytes, Some(metadata)));
    }
    let mut file = std::fs::File::open(path)?;
    let metadata = file.metadata().ok();
    let size = metadata.as_ref().map_or(0, |m| m.len() as usize);
    let mut bytes = Vec::with_capacity(size);
    file.read_to_end(&mut bytes)?;
    Ok((bytes, metadata))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::Mutex;

    use super::*;
    use crate::content::source::{BodiesAtLoad, KnownHeads, ReadAhead, SourcePrint};

    /// Trusts every record, whatever the file's metadata (the build's store
    /// trusts only files left alone for two seconds).
    #[derive(Default)]
    struct Remembered(Mutex<HashMap<PathBuf, (String, SourcePrint)>>);

    impl KnownHeads for Remembered {
        fn known(&self, abs: &Path, _: &std::fs::Metadata) -> Option<(String, SourcePrint)> {
            self.0.lock().unwrap().get(abs).cloned()
        }

        fn record(&self, abs: &Path, _: &std::fs::Metadata, head: &str, print: SourcePrint) {
            let entry = (head.to_string(), print);
            self.0.lock().unwrap().insert(abs.to_path_buf(), entry);
        }
    }

    fn has_prose_cadence(body: &str) -> bool {
        body.contains("prose cadence")
    }

    fn load(dir: &Path, rel: &str, known: &Remembered) -> (Option<Page>, Vec<String>) {
        let bodies = BodiesAtLoad::LetGo {
            unless: &has_prose_cadence,
            known: Some(known),
        };
        load_as(dir, rel, bodies)
    }

    fn load_as(dir: &Path, rel: &str, bodies: BodiesAtLoad) -> (Option<Page>, Vec<String>) {
        let abs = dir.join(rel);
        let file = PageToLoad {
            rel,
            abs: &abs,
            kind: SourceKind::Markdown,
            readme_is_index: true,
            drafts: false,
            read_ahead: None,
        };
        let includes = crate::content::includes::Includes::none();
        let (page, diagnostics) = load_letting_go(&file, bodies, &includes);
        let page = page.map(|page| Page {
            modified: None,
            ..page
        });
        (page, diagnostics.iter().map(|d| format!("{d:?}")).collect())
    }

    /// A page read at load is given whole to the reader, then keeps only
    /// its front matter, unless a later stage reads its body; a draft left
    /// out of the site is not given.
    #[test]
    fn a_page_read_at_load_is_read_whole_then_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("plain.md", "---\ntitle: A\n---\n# Body\n\ntext\n"),
            ("prose.md", "---\ntitle: P\n---\nA prose cadence here.\n"),
            ("draft.md", "---\ntitle: D\ndraft: true\n---\nbody\n"),
        ];
        let given = std::sync::Mutex::new(Vec::new());
        let read = |page: &Page, _: &crate::content::includes::Includes| {
            given.lock().unwrap().push(page.text.clone());
        };
        let mut loaded = Vec::new();
        for (rel, text) in files {
            std::fs::write(dir.path().join(rel), text).unwrap();
            let bodies = BodiesAtLoad::ReadAtLoad {
                read: &read,
                unless: &has_prose_cadence,
                known: None,
            };
            loaded.push(load_as(dir.path(), rel, bodies).0);
        }
        assert_eq!(*given.lock().unwrap(), [files[0].1, files[1].1]);
        let plain = loaded[0].as_ref().unwrap();
        assert_eq!(plain.text, "---\ntitle: A\n---\n");
        assert_eq!(plain.body_read_later, None);
        let prose = loaded[1].as_ref().unwrap();
        assert_eq!(prose.text, files[1].1);
        assert_eq!(prose.body_read_later, Some(true));
        assert!(loaded[2].is_none());
    }

    /// A file read ahead is taken as it was read (the file changed since
    /// is not read), once: the next load reads the file.
    #[test]
    fn a_file_read_ahead_is_taken_instead_of_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let abs = dir.path().join("a.md");
        std::fs::write(&abs, "---\ntitle: Read ahead\n---\nbody\n").unwrap();
        let read_ahead = ReadAhead::default();
        let metadata = std::fs::metadata(&abs).unwrap();
        read_ahead.keep(&abs, std::fs::read(&abs).unwrap(), metadata);
        std::fs::write(&abs, "---\ntitle: On disk\n---\nbody\n").unwrap();
        let load = || {
            let file = PageToLoad {
                rel: "a.md",
                abs: &abs,
                kind: SourceKind::Markdown,
                readme_is_index: true,
                drafts: false,
                read_ahead: Some(&read_ahead),
            };
            load_page(&file).0.unwrap().front.title
        };
        assert_eq!(load().as_deref(), Some("Read ahead"));
        assert_eq!(load().as_deref(), Some("On disk"));
    }

    /// A file loaded once is made again from the front matter kept of it,
    /// without reading it (its bytes are replaced in between): the same
    /// page, print and diagnostics. A page whose body a later stage reads
    /// is not kept, nor a draft left out of the site. A first build, which
    /// keeps every body, records the same.
    #[test]
    fn a_page_made_from_its_kept_front_matter_is_the_page_read_from_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            (
                "yaml.md",
                "---\ntitle: A\nweight: 3\nowner: x\n---\n# Body\n\ntext\n",
            ),
            ("none.md", "# No front matter\n\ntext\n"),
            (
                "toml.md",
                "+++\ntitle = \"C\"\npath = \"/see/\"\n+++\nbody\n",
            ),
            ("only.md", "---\ntitle: Only front matter\n---\n"),
            ("warned.md", "---\ntitle: [1, 2]\n---\nbody\n"),
            ("draft.md", "---\ntitle: Draft\ndraft: true\n---\nbody\n"),
            ("prose.md", "---\ntitle: P\n---\nA prose cadence here.\n"),
        ];
        let known = Remembered::default();
        let mut first = Vec::new();
        for (rel, text) in files {
            std::fs::write(dir.path().join(rel), text).unwrap();
            first.push(load(dir.path(), rel, &known));
        }
        // A first build keeps the bodies and records the same.
        let recorded = Remembered::default();
        for (rel, _) in files {
            let keep = BodiesAtLoad::KeepRecording {
                unless: &has_prose_cadence,
                known: &recorded,
            };
            let (page, _) = load_as(dir.path(), rel, keep);
            assert!(page.is_none_or(|page| page.holds_body()), "{rel}");
        }
        assert_eq!(*recorded.0.lock().unwrap(), *known.0.lock().unwrap());
        // A first `check`, which reads each page at load, records the same.
        let read_at_load = Remembered::default();
        for (rel, _) in files {
            let read = |_: &Page, _: &crate::content::includes::Includes| {};
            let bodies = BodiesAtLoad::ReadAtLoad {
                read: &read,
                unless: &has_prose_cadence,
                known: Some(&read_at_load),
            };
            load_as(dir.path(), rel, bodies);
        }
        assert_eq!(*read_at_load.0.lock().unwrap(), *known.0.lock().unwrap());
        {
            let kept = known.0.lock().unwrap();
            assert_eq!(kept.len(), 5);
            assert!(!kept.contains_key(&dir.path().join("prose.md")));
            assert!(!kept.contains_key(&dir.path().join("draft.md")));
        }
        for (rel, _) in files {
            std::fs::write(dir.path().join(rel), "# Not what was loaded\n").unwrap();
        }
        for ((rel, _), (page, diagnostics)) in files.iter().zip(&first) {
            let (again, again_diagnostics) = load(dir.path(), rel, &known);
            if *rel == "prose.md" || *rel == "draft.md" {
                // Not kept: read again, its new text.
                let again = again.unwrap();
                let new_print = SourcePrint::of("# Not what was loaded\n");
                assert_eq!(again.print, new_print, "{rel}");
                continue;
            }
            assert_eq!(format!("{again:?}"), format!("{page:?}"), "{rel}");
            assert_eq!(&again_diagnostics, diagnostics, "{rel}");
        }
        assert!(
            first[4].1.iter().any(|d| d.contains("title")),
            "{:?}",
            first[4]
        );
        assert!(first[5].0.is_none(), "the draft is left out");
    }
}
