//! What a build read of each file last time, under the file's device,
//! inode, size, modification and change times: the build cache's
//! fingerprint keeps each file's hash (`files.bin` in the cache folder), the
//! load each page file's front matter (`heads.bin`, see
//! [`crate::content::source::KnownHeads`]). A file whose metadata are all
//! the same is not read again: a rebuild after a one-page edit of a
//! 10,000-page handbook read and hashed all of them first (75 ms), and read
//! them all again for their front matter.
//!
//! The change time (`ctime`) is set by the system on every write, rename or
//! `touch`, and no tool can set it back, so a file whose metadata match was
//! not written since. As in git's index, an entry is trusted only if the
//! file had not changed for a while when it was recorded (the "racy" rule):
//! a write in the same clock tick as the recording would keep the same
//! times. A fresh checkout (other inodes) or another machine reads every
//! file, as before.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::content::source::{KnownHeads, SourcePrint};

/// Bumped when the file's shape or meaning changes.
const FORMAT: u32 = 2;
/// How long a file must have been left alone before its entry is trusted,
/// on a file system that keeps whole seconds (a change time without
/// nanoseconds).
const SETTLED: Duration = Duration::from_secs(2);
/// The same where change times have nanoseconds (ext4, XFS, Btrfs, tmpfs,
/// APFS): Linux stamps them from a clock that moves once per timer tick
/// (1-10 ms), so a tenth of a second is ten of the slowest ticks. A
/// handbook cloned and built straight away, then checked, would otherwise
/// read again every file written in the clone's last two seconds.
const SETTLED_FINE: Duration = Duration::from_millis(100);

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

#[derive(Serialize, Deserialize)]
struct Stored<T> {
    format: u32,
    /// What else the entries depend on ([`Kept::key`]).
    key: u64,
    /// Seconds and nanoseconds since the epoch when the files were looked at.
    taken_at: (i64, i64),
    files: Vec<(PathBuf, Stat, T)>,
}

impl<T> Default for Stored<T> {
    fn default() -> Self {
        Stored {
            format: 0,
            key: 0,
            taken_at: (0, 0),
            files: Vec::new(),
        }
    }
}

/// Where a kind of entries is kept, and what else they depend on.
#[derive(Clone, Copy)]
pub struct Kept {
    /// The file in the cache folder.
    pub name: &'static str,
    /// Entries stored under another key are not used: a file's hash
    /// depends on its bytes only, but what the load made of its front
    /// matter depends on the binary too.
    pub key: u64,
}

/// The fingerprint's file hashes.
pub(super) const HASHES: Kept = Kept {
    name: "files.bin",
    key: 0,
};

/// The page files' front matter, made by this binary.
pub fn heads() -> Kept {
    Kept {
        name: "heads.bin",
        key: super::cache::binary_fingerprint(),
    }
}

/// The last run's entries, and this run's: what was read of each file (`T`).
pub struct FileStats<T> {
    kept: Kept,
    /// Looked up once for each file of the site: hashed with a fast hash
    /// (the paths are the site's own, not an adversary's).
    previous: FxHashMap<PathBuf, (Stat, T)>,
    /// When the entries were recorded: those of files left alone for a
    /// while by then are trusted ([`settled`]).
    recorded_at: (i64, i64),
    taken_at: (i64, i64),
    seen: Mutex<Vec<(PathBuf, Stat, T)>>,
}

fn seconds_and_nanos(time: SystemTime) -> (i64, i64) {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    (since.as_secs() as i64, i64::from(since.subsec_nanos()))
}

impl<T: Serialize + serde::de::DeserializeOwned> FileStats<T> {
    /// The entries `kept` in `cache_dir` (none when absent, damaged, of
    /// another format or key).
    pub fn load(cache_dir: Option<&Path>, kept: Kept) -> FileStats<T> {
        let stored: Stored<T> = cache_dir
            .and_then(|dir| std::fs::read(dir.join(kept.name)).ok())
            .and_then(|bytes| bincode::deserialize(&bytes).ok())
            .filter(|stored: &Stored<T>| stored.format == FORMAT && stored.key == kept.key)
            .unwrap_or_default();
        FileStats {
            kept,
            previous: stored
                .files
                .into_iter()
                .map(|(path, stat, read)| (path, (stat, read)))
                .collect(),
            recorded_at: stored.taken_at,
            taken_at: seconds_and_nanos(SystemTime::now()),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// What was read of the file at `path` last time, when its metadata
    /// say it was not written since.
    pub(super) fn known(&self, path: &Path, metadata: &std::fs::Metadata) -> Option<&T> {
        let stat = Stat::of(metadata)?;
        let (recorded, read) = self.previous.get(path)?;
        (*recorded == stat && settled(stat.ctime, self.recorded_at)).then_some(read)
    }

    /// Records what was read of the file at `path`, for the next run.
    pub(super) fn record(&self, path: &Path, metadata: &std::fs::Metadata, read: T) {
        if let Some(stat) = Stat::of(metadata) {
            if let Ok(mut seen) = self.seen.lock() {
                seen.push((path.to_path_buf(), stat, read));
            }
        }
    }

    /// Writes this run's entries to `cache_dir`; a failure only costs the
    /// next run its shortcut.
    pub fn save(self, cache_dir: Option<&Path>) {
        let Some(dir) = cache_dir else {
            return;
        };
        let stored = Stored {
            format: FORMAT,
            key: self.kept.key,
            taken_at: self.taken_at,
            files: self.seen.into_inner().unwrap_or_default(),
        };
        if let Ok(bytes) = bincode::serialize(&stored) {
            write_beside(dir, self.kept.name, &bytes);
        }
    }
}

/// Each page file's front matter and print, for the load (`heads.bin`).
pub type PageHeads = FileStats<(String, SourcePrint)>;

impl KnownHeads for PageHeads {
    fn known(&self, abs: &Path, metadata: &std::fs::Metadata) -> Option<(String, SourcePrint)> {
        FileStats::known(self, abs, metadata).cloned()
    }

    fn record(&self, abs: &Path, metadata: &std::fs::Metadata, head: &str, print: SourcePrint) {
        FileStats::record(self, abs, metadata, (head.to_string(), print));
    }
}

/// Writes `bytes` to `name` in the cache folder `dir`.
fn write_beside(dir: &Path, name: &str, bytes: &[u8]) {
    let _ = std::fs::create_dir_all(dir);
    super::cache::replace_file(&dir.join(name), &[bytes]);
}

/// Whether a file whose change time is `ctime` had been left alone long
/// enough when its entry was recorded at `recorded_at` (both seconds and
/// nanoseconds since the epoch): a write in the same clock tick as the
/// recording would have kept the same times.
fn settled(ctime: (i64, i64), recorded_at: (i64, i64)) -> bool {
    let window = if ctime.1 == 0 { SETTLED } else { SETTLED_FINE };
    let nanos =
        |(seconds, nanos): (i64, i64)| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    nanos(ctime) + (window.as_nanos() as i128) < nanos(recorded_at)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The entries in `cache` as if recorded `after` the file's change.
    fn recorded_after(
        cache: &Path,
        kept: Kept,
        ctime: (i64, i64),
        after: Duration,
    ) -> FileStats<u64> {
        let at = UNIX_EPOCH + Duration::new(ctime.0 as u64, ctime.1 as u32) + after;
        FileStats {
            recorded_at: seconds_and_nanos(at),
            ..FileStats::load(Some(cache), kept)
        }
    }

    #[test]
    fn a_settled_file_is_known_and_any_write_makes_it_unknown() {
        let dir = tempfile::tempdir().expect("temp");
        let file = dir.path().join("a.md");
        std::fs::write(&file, "one").expect("write");
        let metadata = std::fs::metadata(&file).expect("metadata");
        let stats = FileStats::<u64>::load(None, HASHES);
        stats.record(&file, &metadata, 7);
        let cache = dir.path().join("cache");
        stats.save(Some(&cache));
        let ctime = Stat::of(&metadata).expect("unix").ctime;
        // Recorded in the same tick as the write: too fresh to trust.
        let fresh = recorded_after(&cache, HASHES, ctime, Duration::from_millis(1));
        assert_eq!(fresh.known(&file, &metadata), None);
        // Recorded a minute later.
        let later = recorded_after(&cache, HASHES, ctime, Duration::from_secs(60));
        assert_eq!(later.known(&file, &metadata), Some(&7));
        // Kept under another key (another binary's heads): not used.
        let other_key = Kept { key: 1, ..HASHES };
        let other = recorded_after(&cache, other_key, ctime, Duration::from_secs(60));
        assert_eq!(other.known(&file, &metadata), None);
        // Same size, new bytes: the change time moves.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, "two").expect("write");
        let written = std::fs::metadata(&file).expect("metadata");
        assert_eq!(later.known(&file, &written), None);
        assert_eq!(later.known(&dir.path().join("b.md"), &written), None);
    }

    #[test]
    fn whole_second_change_times_wait_longer_than_fine_ones() {
        let fine = (1_700_000_000, 250_000_000);
        let coarse = (1_700_000_000, 0);
        let after = |ctime: (i64, i64), millis: i64| {
            let nanos = ctime.1 + millis * 1_000_000;
            (ctime.0 + nanos / 1_000_000_000, nanos % 1_000_000_000)
        };
        assert!(!settled(fine, after(fine, 100)));
        assert!(settled(fine, after(fine, 101)));
        assert!(!settled(coarse, after(coarse, 1_999)));
        assert!(!settled(coarse, after(coarse, 2_000)));
        assert!(settled(coarse, after(coarse, 2_001)));
        // A recording before the change (a clock set back) trusts nothing.
        assert!(!settled(fine, (fine.0 - 60, 0)));
    }
}
