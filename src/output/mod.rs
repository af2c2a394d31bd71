//! Stage 6: write the site, atomically.
//!
//! Every build is written into a staging folder beside the output folder and
//! moved in only when it succeeded, so a failed build never leaves a
//! half-written site where the last good one was. A file whose bytes did not
//! change is not written again, so its modification time stays and rsync or
//! CI caches stay warm. Nothing outside the output folder is ever written or
//! deleted.
//!
//! When the output folder holds a whole previous build (its manifest says
//! so), only the files that changed are staged, and the commit moves them in
//! and deletes the files the build no longer makes ([`in_place`]): a
//! one-page edit of a 10,000-page site touches a few files instead of
//! linking, and then deleting, every one. Otherwise the staging folder
//! holds the whole site (unchanged files hard-linked from the previous
//! build) and is swapped in.

pub mod extras;
pub mod feed;
pub mod icons;
mod in_place;
pub mod redirects;
pub mod reserved;
pub mod search;
pub mod sitemap;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::config::Config;

/// Marks an output folder as made by `handbook`, and records what is in it.
pub const MANIFEST: &str = ".handbook-manifest";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site into {path}: {why}")]
    Unsafe { path: PathBuf, why: String },
    #[error("{path} is not empty and was not made by handbook (no {MANIFEST}); pass --force to replace it")]
    NotOurs { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    /// The search entry the build cache kept of `page` (a file of the
    /// site) was changed or removed while the build ran.
    #[error("its search entry could not be read back from the build cache (changed or removed while the build ran)")]
    SearchEntryLost { page: String },
}

/// Where generated files go.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel` (a `/`-separated path inside the site).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError>;
    /// [`Sink::write`] of bytes whose [`fingerprint`] the caller has made
    /// already (a build records each page's for the build cache): a sink
    /// that fingerprints what it writes takes it instead of hashing the
    /// bytes again.
    fn write_printed(
        &self,
        rel: &str,
        bytes: &[u8],
        print: Fingerprint,
    ) -> Result<(), OutputError> {
        let _ = print;
        self.write(rel, bytes)
    }
    /// Copies a file from the content or theme.
    fn copy(&self, rel: &str, source: &Path) -> Result<(), OutputError>;
    /// Keeps the file the previous build wrote at `rel`, when its
    /// fingerprint was `print`: the build cache knows its bytes would come
    /// out the same. `false` when it cannot (no such file, another print, a
    /// sink without a previous build): the caller writes it.
    fn keep(&self, rel: &str, print: Fingerprint) -> Result<bool, OutputError> {
        let _ = (rel, print);
        Ok(false)
    }
    /// Whether [`Sink::keep`] would keep the file (it may still fail).
    fn can_keep(&self, rel: &str, print: Fingerprint) -> bool {
        let _ = (rel, print);
        false
    }
}

/// Refuses output folders that would destroy something: the content folder,
/// the site root, a parent of either, `/`, the home folder.
pub fn check_output_dir(config: &Config, force: bool) -> Result<(), OutputError> {
    let output = absolute(&config.output_dir);
    let unsafe_because = |why: &str| OutputError::Unsafe {
        path: config.output_dir.clone(),
        why: why.to_string(),
    };
    if output.parent().is_none() {
        return Err(unsafe_because("it is the file system root"));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        let home = absolute(&home);
        if home == output || home.starts_with(&output) {
            return Err(unsafe_because("it is or contains your home folder"));
        }
    }
    let content = absolute(&config.content_dir);
    let root = absolute(&config.root);
    if output == content || content.starts_with(&output) {
        return Err(unsafe_because("it is or contains the content folder"));
    }
    if output == root || root.starts_with(&output) {
        return Err(unsafe_because("it is or contains the site root"));
    }
    if output.is_dir() && !force && !output.join(MANIFEST).is_file() {
        let empty = std::fs::read_dir(&output)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(OutputError::NotOurs {
                path: config.output_dir.clone(),
            });
        }
    }
    if output.exists() && !output.is_dir() {
        return Err(unsafe_because("it is a file"));
    }
    Ok(())
}

/// An absolute, canonical path (the longest existing prefix canonicalised).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return joined,
        }
    }
}

/// Rejects paths that could leave the output folder.
fn safe_relative(rel: &str) -> Option<&Path> {
    let path = Path::new(rel);
    let ok = !rel.is_empty()
        && !rel.contains('\0')
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then_some(path)
}

/// A hash and size per file, as recorded in the manifest.
pub type Fingerprint = (u64, u64);

/// XXH3: stable across Rust releases (the manifest outlives the binary) and
/// fast enough to fingerprint every byte of a 4 GB site in a fraction of a
/// second.
pub fn fingerprint(bytes: &[u8]) -> Fingerprint {
    (xxhash_rust::xxh3::xxh3_64(bytes), bytes.len() as u64)
}

/// For copied files: the source's size and modification time stand for its bytes.
fn source_fingerprint(source: &Path) -> io::Result<Fingerprint> {
    let meta = std::fs::metadata(source)?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    // Seeded, so a copied file's print never equals a written file's.
    const COPIED: u64 = 0x636f_7069_6564;
    Ok((
        xxhash_rust::xxh3::xxh3_64_with_seed(&mtime.to_le_bytes(), COPIED),
        meta.len(),
    ))
}

/// The staging folder of one build.
pub struct StagedDir {
    output: PathBuf,
    staging: PathBuf,
    previous: HashMap<String, Fingerprint>,
    /// What was written, one list per rayon thread (each thread takes its
    /// own lock, so pages written in parallel never wait on each other).
    manifest: Vec<Mutex<Vec<(String, Fingerprint)>>>,
    pub written: AtomicUsize,
    pub unchanged: AtomicUsize,
    /// Files kept by [`Sink::keep`]: a later write of the same path must
    /// replace the link, never write through it into the previous build.
    kept: AtomicUsize,
    committed: bool,
    /// The output folder holds the whole previous build: only changed files
    /// are staged, and moved in by [`StagedDir::commit`].
    in_place: bool,
    /// The files staged, one list per rayon thread (as `manifest`), when
    /// `in_place`.
    staged: Vec<Mutex<Vec<String>>>,
    /// Files [`Sink::can_keep`] found in the output folder, which a
    /// [`Sink::keep`] of the same file need not look for again: a build
    /// plans its pages and then keeps them, and at 50,000 pages the second
    /// look was a tenth of a one-page rebuild's system time.
    found: Mutex<HashSet<String>>,
    /// Staging folders a `mkdir` found made already: the next file into
    /// one (the search index's 10,000 shards share a folder) skips the
    /// call.
    folders_made: Mutex<HashSet<PathBuf>>,
}

impl StagedDir {
    pub fn begin(output: &Path) -> Result<StagedDir, OutputError> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = output
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        std::fs::create_dir_all(parent).map_err(|source| OutputError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|source| OutputError::Io {
                path: staging.clone(),
                source,
            })?;
        }
        std::fs::create_dir(&staging).map_err(|source| OutputError::Io {
            path: staging.clone(),
            source,
        })?;
        let previous = read_manifest(&output.join(MANIFEST));
        Ok(StagedDir {
            output: output.to_path_buf(),
            staging,
            in_place: !previous.is_empty() && output.is_dir(),
            previous,
            manifest: per_thread_lists(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            committed: false,
            staged: per_thread_lists(),
            found: Mutex::new(HashSet::new()),
            folders_made: Mutex::new(HashSet::new()),
        })
    }

    fn target(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = safe_relative(rel).ok_or_else(|| OutputError::Unsafe {
            path: PathBuf::from(rel),
            why: "the path leaves the output folder".into(),
        })?;
        let target = self.staging.join(path);
        if let Some(parent) = target.parent() {
            if self
                .folders_made
                .lock()
                .is_ok_and(|made| made.contains(parent))
            {
                return Ok(target);
            }
            // Most pages are `dir/index.html` in a folder of their own: one
            // `mkdir` tells whether the parents need making too.
            let made = match std::fs::create_dir(parent) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if let Ok(mut made) = self.folders_made.lock() {
                        made.insert(parent.to_path_buf());
                    }
                    Ok(())
                }
                Err(_) => std::fs::create_dir_all(parent),
            };
            made.map_err(|source| OutputError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        Ok(target)
    }

    /// Keeps the previous build's file when its fingerprint matches: leaves
    /// it in place, or links it into the staging folder (made at `rel` by
    /// [`StagedDir::target`] then).
    fn reuse(&self, rel: &str, print: Fingerprint) -> Result<bool, OutputError> {
        if self.previous.get(rel) != Some(&print) {
            return Ok(false);
        }
        let old = self.output.join(rel);
        let kept = if self.in_place {
            let found = self.found.lock().is_ok_and(|mut found| found.remove(rel));
            found || old.is_file()
        } else {
            std::fs::hard_link(&old, self.target(rel)?).is_ok()
        };
        if kept {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        Ok(kept)
    }

    /// The staging path of a file to write at `rel`, noted for the commit.
    fn stage(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let target = self.target(rel)?;
        if self.in_place {
            push_per_thread(&self.staged, rel.to_string());
        }
        Ok(target)
    }

    fn record(&self, rel: &str, print: Fingerprint) {
        push_per_thread(&self.manifest, (rel.to_string(), print));
    }

    /// Moves the site into the output folder: the changed files when the
    /// output folder is updated in place, else the whole staging folder.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let mut manifest: Vec<(String, Fingerprint)> = self
            .manifest
            .iter()
            .flat_map(|list| list.lock().map(|m| m.clone()).unwrap_or_default())
            .collect();
        manifest.sort();
        let mut text = String::from(MANIFEST_HEADER);
        for (rel, (hash, size)) in &manifest {
            text.push_str(&format!("{hash:016x} {size} {rel}\n"));
        }
        if self.in_place {
            let mut staged: Vec<String> = self
                .staged
                .iter()
                .flat_map(|list| list.lock().map(|m| m.clone()).unwrap_or_default())
                .collect();
            staged.sort_unstable();
            staged.dedup();
            let update = in_place::Update {
                output: &self.output,
                staging: &self.staging,
                previous: &self.previous,
                manifest: &manifest,
                staged: &staged,
            };
            update.apply(&text)?;
            self.committed = true;
            let _ = std::fs::remove_dir_all(&self.staging);
            return Ok(());
        }
        let manifest_path = self.staging.join(MANIFEST);
        // An unchanged manifest is linked too, so a no-op build touches no file.
        let previous = self.output.join(MANIFEST);
        let same = std::fs::read(&previous).is_ok_and(|old| old == text.as_bytes());
        if !(same && std::fs::hard_link(&previous, &manifest_path).is_ok()) {
            std::fs::write(&manifest_path, text).map_err(|source| OutputError::Io {
                path: manifest_path,
                source,
            })?;
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        if self.output.exists() {
            let old =
                self.staging
                    .with_file_name(self.staging.file_name().map_or("old".into(), |n| {
                        n.to_string_lossy().replace(".staging-", ".old-")
                    }));
            std::fs::rename(&self.output, &old).map_err(io(&self.output))?;
            if let Err(e) = std::fs::rename(&self.staging, &self.output) {
                // Put the previous site back.
                let _ = std::fs::rename(&old, &self.output);
                return Err(OutputError::Io {
                    path: self.output.clone(),
                    source: e,
                });
            }
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        } else {
            std::fs::rename(&self.staging, &self.output).map_err(io(&self.output))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// One list per rayon thread, and one for the threads outside the pool.
fn per_thread_lists<T>() -> Vec<Mutex<Vec<T>>> {
    (0..=rayon::current_num_threads())
        .map(|_| Mutex::new(Vec::new()))
        .collect()
}

/// Pushes `item` on the list of the calling rayon thread (threads outside
/// the pool share list 0), so threads never wait on each other.
fn push_per_thread<T>(lists: &[Mutex<Vec<T>>], item: T) {
    let list = rayon::current_thread_index().map_or(0, |i| i + 1) % lists.len();
    if let Ok(mut list) = lists[list].lock() {
        list.push(item);
    }
}

impl Sink for StagedDir {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.write_printed(rel, bytes, fingerprint(bytes))
    }

    fn write_printed(
        &self,
        rel: &str,
        bytes: &[u8],
        print: Fingerprint,
    ) -> Result<(), OutputError> {
        debug_assert_eq!(print, fingerprint(bytes));
        self.record(rel, print);
        if self.reuse(rel, print)? {
            return Ok(());
        }
        let target = self.stage(rel)?;
        if self.kept.load(Ordering::Relaxed) > 0 {
            let _ = std::fs::remove_file(&target);
        }
        std::fs::write(&target, bytes).map_err(|source| OutputError::Io {
            path: target,
            source,
        })?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn copy(&self, rel: &str, source: &Path) -> Result<(), OutputError> {
        let print = source_fingerprint(source).map_err(|e| OutputError::Io {
            path: source.to_path_buf(),
            source: e,
        })?;
        self.record(rel, print);
        if self.reuse(rel, print)? {
            return Ok(());
        }
        let target = self.stage(rel)?;
        if self.kept.load(Ordering::Relaxed) > 0 {
            let _ = std::fs::remove_file(&target);
        }
        std::fs::copy(source, &target).map_err(|e| OutputError::Io {
            path: source.to_path_buf(),
            source: e,
        })?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn keep(&self, rel: &str, print: Fingerprint) -> Result<bool, OutputError> {
        if self.reuse(rel, print)? {
            self.kept.fetch_add(1, Ordering::Relaxed);
            self.record(rel, print);
            return Ok(true);
        }
        Ok(false)
    }

    fn can_keep(&self, rel: &str, print: Fingerprint) -> bool {
        let can = self.previous.get(rel) == Some(&print) && self.output.join(rel).is_file();
        if can && self.in_place {
            if let Ok(mut found) = self.found.lock() {
                found.insert(rel.to_string());
            }
        }
        can
    }
}

/// The first line of a manifest of a whole build.
const MANIFEST_HEADER: &str = "# handbook output manifest: hash size path\n";

/// The files of the build the manifest at `path` records; none when it
/// records no whole build (a folder being updated in place says so).
fn read_manifest(path: &Path) -> HashMap<String, Fingerprint> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    if !text.starts_with(MANIFEST_HEADER) {
        return HashMap::new();
    }
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
            let size = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_string(), (hash, size)))
        })
        .collect()
}

/// Keeps the site in memory (for `serve` and tests).
#[derive(Default)]
pub struct MemorySink {
    pub files: Mutex<HashMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        safe_relative(rel).ok_or_else(|| OutputError::Unsafe {
            path: PathBuf::from(rel),
            why: "the path leaves the output folder".into(),
        })?;
        if let Ok(mut files) = self.files.lock() {
            files.insert(rel.to_string(), bytes.to_vec());
        }
        Ok(())
    }
    fn copy(&self, rel: &str, source: &Path) -> Result<(), OutputError> {
        let bytes = std::fs::read(source).map_err(|e| OutputError::Io {
            path: source.to_path_buf(),
            source: e,
        })?;
        self.write(rel, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert!(safe_relative("a/b.html").is_some());
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../x").is_none());
        assert!(safe_relative("").is_none());
    }

    #[test]
    fn unchanged_files_keep_their_inode() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let stage = StagedDir::begin(&out).unwrap();
        stage.write("a.html", b"same").unwrap();
        stage.write("b.html", b"old").unwrap();
        stage.commit().unwrap();
        let meta_a = std::fs::metadata(out.join("a.html")).unwrap();
        let stage = StagedDir::begin(&out).unwrap();
        stage.write("a.html", b"same").unwrap();
        stage.write("b.html", b"new").unwrap();
        assert_eq!(stage.unchanged.load(Ordering::Relaxed), 1);
        stage.commit().unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(
            std::fs::metadata(out.join("a.html")).unwrap().ino(),
            meta_a.ino()
        );
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"new");
        // A build with nothing changed keeps the manifest's inode too.
        let manifest = std::fs::metadata(out.join(MANIFEST)).unwrap().ino();
        let stage = StagedDir::begin(&out).unwrap();
        stage.write("a.html", b"same").unwrap();
        stage.write("b.html", b"new").unwrap();
        stage.commit().unwrap();
        assert_eq!(
            std::fs::metadata(out.join(MANIFEST)).unwrap().ino(),
            manifest
        );
        // No staging or old folders are left behind.
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn an_aborted_build_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let stage = StagedDir::begin(&out).unwrap();
        stage.write("index.html", b"good").unwrap();
        stage.commit().unwrap();
        let stage = StagedDir::begin(&out).unwrap();
        stage.write("index.html", b"half").unwrap();
        drop(stage);
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"good");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
