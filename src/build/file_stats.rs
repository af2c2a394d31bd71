//! What the build cache's fingerprint read of each file last time
//! (`files.bin` in the cache folder): its hash under its device, inode,
//! size, modification and change times. A file whose metadata are all the
//! same is not read again: a rebuild after a one-page edit of a
//! 10,000-page handbook read and hashed all of them first (75 ms).
//!
//! The change time (`ctime`) is set by the system on every write, rename or
//! `touch`, and no tool can set it back, so a file whose metadata match was
//! not written since. As in git's index, an entry is trusted only if the
//! file had not changed for a while when it was recorded (the "racy" rule):
//! a write in the same clock tick as the recording would keep the same
//! times. A fresh checkout (other inodes) or another machine reads every
//! file, as before.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Bumped when the file's shape or meaning changes.
const FORMAT: u32 = 1;
const FILE: &str = "files.bin";
/// How long a file must have been left alone before its entry is trusted.
const SETTLED: Duration = Duration::from_secs(2);

/// A file's metadata, as far as they tell that its bytes did not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stat {
    #[cfg(unix)]
    fn of(metadata: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        Some(Stat {
            dev: metadata.dev(),
            ino: metadata.ino(),
            len: metadata.len(),
            mtime: (metadata.mtime(), metadata.mtime_nsec()),
            ctime: (metadata.ctime(), metadata.ctime_nsec()),
        })
    }

    /// Elsewhere every file is read.
    #[cfg(not(unix))]
    fn of(_metadata: &std::fs::Metadata) -> Option<Stat> {
        None
    }
}

#[derive(Serialize, Deserialize, Default)]
struct Stored {
    format: u32,
    /// Seconds and nanoseconds since the epoch when the files were looked at.
    taken_at: (i64, i64),
    files: Vec<(PathBuf, Stat, u64)>,
}

/// The last run's entries, and this run's.
pub(super) struct FileStats {
    previous: HashMap<PathBuf, (Stat, u64)>,
    /// Entries whose change time is before this are trusted.
    settled_before: (i64, i64),
    taken_at: (i64, i64),
    seen: Mutex<Vec<(PathBuf, Stat, u64)>>,
}

fn seconds_and_nanos(time: SystemTime) -> (i64, i64) {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    (since.as_secs() as i64, i64::from(since.subsec_nanos()))
}

impl FileStats {
    /// The entries kept in `cache_dir` (none when absent, damaged or of
    /// another format).
    pub(super) fn load(cache_dir: Option<&Path>) -> FileStats {
        let stored: Stored = cache_dir
            .and_then(|dir| std::fs::read(dir.join(FILE)).ok())
            .and_then(|bytes| bincode::deserialize(&bytes).ok())
            .filter(|stored: &Stored| stored.format == FORMAT)
            .unwrap_or_default();
        let settled_before = settled_before(stored.taken_at);
        FileStats {
            previous: stored
                .files
                .into_iter()
                .map(|(path, stat, hash)| (path, (stat, hash)))
                .collect(),
            settled_before,
            taken_at: seconds_and_nanos(SystemTime::now()),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// The hash of the file at `path` recorded last time, when its metadata
    /// say it was not written since.
    pub(super) fn known_hash(&self, path: &Path, metadata: &std::fs::Metadata) -> Option<u64> {
        let stat = Stat::of(metadata)?;
        let (recorded, hash) = self.previous.get(path)?;
        (*recorded == stat && stat.ctime < self.settled_before).then_some(*hash)
    }

    /// Records the hash of the file at `path` for the next run.
    pub(super) fn record(&self, path: &Path, metadata: &std::fs::Metadata, hash: u64) {
        if let Some(stat) = Stat::of(metadata) {
            if let Ok(mut seen) = self.seen.lock() {
                seen.push((path.to_path_buf(), stat, hash));
            }
        }
    }

    /// Writes this run's entries to `cache_dir`; a failure only costs the
    /// next run its shortcut.
    pub(super) fn save(self, cache_dir: Option<&Path>) {
        let Some(dir) = cache_dir else {
            return;
        };
        let stored = Stored {
            format: FORMAT,
            taken_at: self.taken_at,
            files: self.seen.into_inner().unwrap_or_default(),
        };
        if let Ok(bytes) = bincode::serialize(&stored) {
            write_beside(dir, FILE, &bytes);
        }
    }
}

/// Writes `bytes` to `name` in the cache folder `dir`.
fn write_beside(dir: &Path, name: &str, bytes: &[u8]) {
    let _ = std::fs::create_dir_all(dir);
    super::cache::replace_file(&dir.join(name), &[bytes]);
}

/// Change times before this are trusted for entries recorded at `taken_at`.
fn settled_before(taken_at: (i64, i64)) -> (i64, i64) {
    let recorded = UNIX_EPOCH
        + Duration::new(
            u64::try_from(taken_at.0).unwrap_or(0),
            u32::try_from(taken_at.1).unwrap_or(0),
        );
    seconds_and_nanos(recorded.checked_sub(SETTLED).unwrap_or(UNIX_EPOCH))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_settled_file_is_known_and_any_write_makes_it_unknown() {
        let dir = tempfile::tempdir().expect("temp");
        let file = dir.path().join("a.md");
        std::fs::write(&file, "one").expect("write");
        let metadata = std::fs::metadata(&file).expect("metadata");
        let stats = FileStats::load(None);
        stats.record(&file, &metadata, 7);
        let cache = dir.path().join("cache");
        let mut stored_at = stats.taken_at;
        stats.save(Some(&cache));
        // Recorded just now: too fresh to trust.
        let fresh = FileStats::load(Some(&cache));
        assert_eq!(fresh.known_hash(&file, &metadata), None);
        // As if recorded a minute later.
        stored_at.0 += 60;
        let later = FileStats {
            settled_before: (stored_at.0 - 2, stored_at.1),
            ..FileStats::load(Some(&cache))
        };
        assert_eq!(later.known_hash(&file, &metadata), Some(7));
        // Same size, new bytes: the change time moves.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, "two").expect("write");
        let written = std::fs::metadata(&file).expect("metadata");
        assert_eq!(later.known_hash(&file, &written), None);
        assert_eq!(later.known_hash(&dir.path().join("b.md"), &written), None);
    }
}
