//! Updating an output folder that holds a whole previous build: the files
//! that changed are moved in from the staging folder, and the files the
//! previous build wrote that this one did not are deleted.
//!
//! The manifest is replaced first by one that records no build, and written
//! last: a build stopped in between leaves a folder the next build does not
//! trust (it writes every file and swaps the folder whole), never one whose
//! manifest vouches for files it does not hold.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use super::{Fingerprint, OutputError, MANIFEST};

/// What a manifest says while the folder is being updated.
const UPDATING: &str = "# handbook output manifest: being updated, not a whole build\n";

/// One build's changes to the output folder.
pub(super) struct Update<'a> {
    pub output: &'a Path,
    pub staging: &'a Path,
    /// The previous build's files.
    pub previous: &'a HashMap<String, Fingerprint>,
    /// This build's files, sorted.
    pub manifest: &'a [(String, Fingerprint)],
    /// The files written to the staging folder, sorted.
    pub staged: &'a [String],
}

impl Update<'_> {
    /// Moves the changes in, then writes `manifest_text`.
    pub fn apply(&self, manifest_text: &str) -> Result<(), OutputError> {
        let manifest_path = self.output.join(MANIFEST);
        let unchanged_manifest =
            std::fs::read(&manifest_path).is_ok_and(|old| old == manifest_text.as_bytes());
        if unchanged_manifest && self.staged.is_empty() {
            return Ok(());
        }
        self.replace_file(MANIFEST, UPDATING.as_bytes())?;
        let kept: std::collections::HashSet<&str> =
            self.manifest.iter().map(|(rel, _)| rel.as_str()).collect();
        // Deleted first: a file may give way to a folder of the same name,
        // or a folder emptied here to a file.
        let mut gone: Vec<&str> = self
            .previous
            .keys()
            .map(String::as_str)
            .filter(|rel| !kept.contains(rel))
            .collect();
        gone.sort_unstable();
        for rel in &gone {
            let path = self.output.join(rel);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(OutputError::Io { path, source }),
            }
        }
        for rel in gone.iter().rev() {
            self.remove_empty_parents(rel);
        }
        for rel in self.staged {
            self.move_in(rel)?;
        }
        self.replace_file(MANIFEST, manifest_text.as_bytes())
    }

    /// Removes the folders above `rel` that hold nothing now, up to the
    /// output folder.
    fn remove_empty_parents(&self, rel: &str) {
        let mut folder = Path::new(rel).parent();
        while let Some(dir) = folder.filter(|d| !d.as_os_str().is_empty()) {
            if std::fs::remove_dir(self.output.join(dir)).is_err() {
                return;
            }
            folder = dir.parent();
        }
    }

    fn move_in(&self, rel: &str) -> Result<(), OutputError> {
        let from = self.staging.join(rel);
        let to = self.output.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|source| OutputError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::rename(&from, &to).map_err(|source| OutputError::Io { path: to, source })
    }

    /// Writes a file of the output folder beside it, then renames it over.
    fn replace_file(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let partial = self.staging.join(format!("{rel}.partial"));
        std::fs::write(&partial, bytes).map_err(|source| OutputError::Io {
            path: partial.clone(),
            source,
        })?;
        let path = self.output.join(rel);
        std::fs::rename(&partial, &path).map_err(|source| OutputError::Io { path, source })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{Sink, StagedDir, MANIFEST, MANIFEST_HEADER};
    use super::UPDATING;

    fn build(out: &Path, files: &[(&str, &str)]) {
        let stage = StagedDir::begin(out).expect("begin");
        for (rel, text) in files {
            stage.write(rel, text.as_bytes()).expect("write");
        }
        stage.commit().expect("commit");
    }

    /// Every file and folder below `out` but the manifest, with the files'
    /// text.
    fn tree(out: &Path) -> Vec<(String, Option<String>)> {
        let mut entries: Vec<_> = walkdir::WalkDir::new(out)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() != MANIFEST)
            .map(|e| {
                let rel = e.path().strip_prefix(out).expect("inside");
                let text = e
                    .file_type()
                    .is_file()
                    .then(|| std::fs::read_to_string(e.path()).expect("read"));
                (rel.to_string_lossy().into_owned(), text)
            })
            .collect();
        entries.sort();
        entries
    }

    fn file(rel: &str, text: &str) -> (String, Option<String>) {
        (rel.to_string(), Some(text.to_string()))
    }

    fn folder(rel: &str) -> (String, Option<String>) {
        (rel.to_string(), None)
    }

    #[test]
    fn an_update_in_place_leaves_what_a_swap_would() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("public");
        build(
            &out,
            &[("a/index.html", "a"), ("b/index.html", "b"), ("c", "c")],
        );
        // A page gone, a file that gives way to a folder, a new deep file.
        build(
            &out,
            &[
                ("a/index.html", "a"),
                ("c/index.html", "c now"),
                ("d/e/f.html", "f"),
            ],
        );
        assert_eq!(
            tree(&out),
            vec![
                folder("a"),
                file("a/index.html", "a"),
                folder("c"),
                file("c/index.html", "c now"),
                folder("d"),
                folder("d/e"),
                file("d/e/f.html", "f"),
            ]
        );
        // And a folder that gives way to a file.
        build(&out, &[("a/index.html", "a"), ("c", "c again")]);
        assert_eq!(
            tree(&out),
            vec![folder("a"), file("a/index.html", "a"), file("c", "c again")]
        );
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).expect("manifest");
        assert!(manifest.starts_with(MANIFEST_HEADER), "{manifest}");
        assert_eq!(manifest.lines().count(), 3, "{manifest}");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_folder_left_halfway_through_an_update_is_written_whole() {
        let dir = tempfile::tempdir().expect("temp");
        let out = dir.path().join("public");
        build(&out, &[("a/index.html", "a"), ("b.html", "b")]);
        // Stopped after moving in a file the manifest does not vouch for.
        std::fs::write(out.join(MANIFEST), UPDATING).expect("marker");
        std::fs::write(out.join("a/index.html"), "half").expect("half");
        build(&out, &[("a/index.html", "a"), ("b.html", "b")]);
        assert_eq!(
            tree(&out),
            vec![folder("a"), file("a/index.html", "a"), file("b.html", "b")]
        );
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).expect("manifest");
        assert!(manifest.starts_with(MANIFEST_HEADER), "{manifest}");
    }
}
