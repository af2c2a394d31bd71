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
