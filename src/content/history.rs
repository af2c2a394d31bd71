//! When each page last changed: the date of the last commit that touched its
//! source file, read from ONE `git log` over the content folder, or the file's
//! modification time outside a git repository (or for files git does not know).
//!
//! The log is read newest first and stopped as soon as every page has its
//! date, so a long history costs only as far back as the oldest page's last
//! change. A missing `git` binary is no error: the build falls back to
//! modification times.
//!
//! A shallow clone (CI checkouts fetch one commit, or twenty, by default)
//! ends in commits whose parents were not fetched, and git lists every file
//! as added by them. A page first named by such a commit changed at some
//! unknown time before it: it gets no date rather than the clone's (every
//! page would show "Updated" on the day of the last merge, and render again
//! on every merge). [`LastChanges::beyond_history`] counts them, for a note.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Datelike, FixedOffset, Utc};

use super::Page;

/// Where a page's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    Git,
    FileTime,
}

/// The last change of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastChange {
    pub at: DateTime<FixedOffset>,
    pub source: DateSource,
}

impl LastChange {
    /// `2024-05-01`: what the page shows, and `<lastmod>` in the sitemap.
    /// Written from the date's fields, as `%Y-%m-%d` writes a year of four
    /// digits: a build asks for every page's, and parsing the format each
    /// time was most of the sitemap's time.
    pub fn date(&self) -> String {
        let day = self.at.date_naive();
        if (0..=9999).contains(&day.year()) {
            format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
        } else {
            self.at.format("%Y-%m-%d").to_string()
        }
    }
    /// `2024-05-01T09:30:00+02:00`: for `<time datetime>` and Atom.
    pub fn rfc3339(&self) -> String {
        self.at.to_rfc3339()
    }
}

/// When a page last changed, as `(date, datetime)`: the later of its front
/// matter `date` and its history, so a date set ahead by hand (or a page with
/// no history) shows, and a later commit wins over an old date. Empty when
/// neither is known.
pub fn last_modified(front_date: Option<&str>, change: Option<&LastChange>) -> (String, String) {
    let front = front_date.map(str::trim).filter(|d| !d.is_empty());
    match (front, change) {
        (Some(front), Some(change)) => {
            let day = change.date();
            // ISO dates compare as text; a front date on the commit's day
            // keeps the commit's time.
            if front_day(front) > day.as_str() {
                (front_day(front).to_string(), front.to_string())
            } else {
                (day, change.rfc3339())
            }
        }
        (Some(front), None) => (front_day(front).to_string(), front.to_string()),
        (None, Some(change)) => (change.date(), change.rfc3339()),
        (None, None) => (String::new(), String::new()),
    }
}

/// The day of a front matter date: its first ten bytes (`2024-05-01`).
fn front_day(front: &str) -> &str {
    front.get(..10).unwrap_or(front)
}

/// [`last_modified`] as a time, for feeds: a front matter date alone is
/// midnight UTC of that day. `None` when neither is known or the date is not
/// a date.
pub fn last_modified_at(
    front_date: Option<&str>,
    change: Option<&LastChange>,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let front = front_date.map(str::trim).filter(|d| !d.is_empty());
    if let Some(change) = change {
        // The rule of `last_modified`, without writing the time out.
        let front_is_later = front.is_some_and(|front| front_day(front) > change.date().as_str());
        if !front_is_later {
            return Some(change.at);
        }
    }
    let front = front?;
    chrono::DateTime::parse_from_rfc3339(front)
        .ok()
        .or_else(|| {
            let date = chrono::NaiveDate::parse_from_str(front_day(front), "%Y-%m-%d").ok()?;
            Some(
                date.and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    .fixed_offset(),
            )
        })
}

/// What the history says of every page.
#[derive(Debug, Default)]
pub struct LastChanges {
    /// Each page's last change, in the order of the pages.
    pub changes: Vec<Option<LastChange>>,
    /// Pages of a shallow clone whose last change is older than the commits
    /// fetched: they have no date.
    pub beyond_history: usize,
}

/// The last change of every page, in the order of `pages`.
pub fn last_changes(content_dir: &Path, pages: &[Page]) -> LastChanges {
    let mut changes: Vec<Option<LastChange>> = vec![None; pages.len()];
    let mut beyond_history = vec![false; pages.len()];
    if let Some(log) = GitLog::start(content_dir) {
        log.fill(pages, &mut changes, &mut beyond_history);
    }
    for ((page, change), beyond) in pages.iter().zip(changes.iter_mut()).zip(&beyond_history) {
        if change.is_none() && !beyond {
            *change = match page.modified {
                Some(modified) => Some(file_change(modified)),
                None => file_time(&page.abs_path),
            };
        }
    }
    LastChanges {
        changes,
        beyond_history: beyond_history.iter().filter(|&&b| b).count(),
    }
}

/// A page's last change after an edit that is not committed yet: its last
/// commit's date when it has one (what a build reads from git too), else
/// its file's time.
pub fn after_edit(previous: Option<&LastChange>, path: &Path) -> Option<LastChange> {
    match previous {
        Some(change) if change.source == DateSource::Git => Some(change.clone()),
        _ => file_time(path),
    }
}

fn file_time(path: &Path) -> Option<LastChange> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(file_change(modified))
}

fn file_change(modified: std::time::SystemTime) -> LastChange {
    LastChange {
        at: DateTime::<Utc>::from(modified).fixed_offset(),
        source: DateSource::FileTime,
    }
}

/// A running `git log` over the content folder: file names relative to it,
/// each commit introduced by `\x1e`, its committer date, `\x1f` and its
/// parents.
struct GitLog {
    child: std::process::Child,
    /// Whether the clone is shallow: a commit without parents is then where
    /// the fetched history stops, not where the repository began.
    shallow: bool,
}

impl GitLog {
    fn start(content_dir: &Path) -> Option<GitLog> {
        let shallow = match repository_kind(content_dir)? {
            Repository::Complete => false,
            Repository::Shallow => true,
        };
        let child = Command::new("git")
            .arg("-C")
            .arg(content_dir)
            .args([
                "log",
                "--format=%x1e%cI%x1f%P",
                "--name-only",
                "-z",
                "--no-renames",
                "--relative",
                "--",
                ".",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        Some(GitLog { child, shallow })
    }

    /// Gives each page the date of the newest commit that names its file,
    /// or marks it `beyond_history` when that commit is where a shallow
    /// clone's history stops; stops reading once every page has one or the
    /// other.
    fn fill(
        mut self,
        pages: &[Page],
        changes: &mut [Option<LastChange>],
        beyond_history: &mut [bool],
    ) {
        let by_path: HashMap<&str, usize> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.rel_path.as_str(), i))
            .collect();
        let mut missing = pages.len();
        if let Some(stdout) = self.child.stdout.take() {
            let mut reader = BufReader::new(stdout);
            let mut token = Vec::new();
            let mut current: Option<Commit> = None;
            while missing > 0 {
                token.clear();
                match reader.read_until(0, &mut token) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                if token.last() == Some(&0) {
                    token.pop();
                }
                match parse_token(&token) {
                    Token::Commit(commit) => current = commit,
                    Token::File(name) => {
                        let (Some(commit), Some(&i)) = (current, by_path.get(name)) else {
                            continue;
                        };
                        if changes[i].is_some() || beyond_history[i] {
                            continue;
                        }
                        if self.shallow && !commit.has_parents {
                            beyond_history[i] = true;
                        } else {
                            changes[i] = Some(LastChange {
                                at: commit.at,
                                source: DateSource::Git,
                            });
                        }
                        missing -= 1;
                    }
                    Token::Other => {}
                }
            }
        }
        // Done early, or git failed: either way it has nothing more to say.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

enum Repository {
    Complete,
    Shallow,
}

/// Whether `dir` is in a git work tree (`None` when not, or without git),
/// and whether its clone is shallow.
fn repository_kind(dir: &Path) -> Option<Repository> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "rev-parse",
            "--is-inside-work-tree",
            "--is-shallow-repository",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let mut answers = out.stdout.split(|&b| b == b'\n');
    if !out.status.success() || answers.next() != Some(b"true") {
        return None;
    }
    match answers.next() {
        Some(b"true") => Some(Repository::Shallow),
        _ => Some(Repository::Complete),
    }
}

/// A commit of the log: its date, and whether git knows its parents.
#[derive(Debug, Clone, Copy)]
struct Commit {
    at: DateTime<FixedOffset>,
    has_parents: bool,
}

enum Token<'a> {
    /// A commit, `None` when its date did not parse.
    Commit(Option<Commit>),
    File(&'a str),
    Other,
}

/// One NUL-separated piece of `git log -z --name-only --format=%x1e%cI%x1f%P`:
/// `\x1e<date>\x1f<parents>` starts a commit; the first file name follows a
/// newline.
fn parse_token(token: &[u8]) -> Token<'_> {
    if let Some(header) = token.strip_prefix(b"\x1e") {
        let header = std::str::from_utf8(header).unwrap_or("");
        let (date, parents) = header.split_once('\x1f').unwrap_or((header, ""));
        let commit = DateTime::parse_from_rfc3339(date.trim())
            .ok()
            .map(|at| Commit {
                at,
                has_parents: !parents.trim().is_empty(),
            });
        return Token::Commit(commit);
    }
    let name = token.strip_prefix(b"\n").unwrap_or(token);
    match std::str::from_utf8(name) {
        Ok(name) if !name.is_empty() => Token::File(name),
        _ => Token::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_the_log() {
        assert!(matches!(
            parse_token(b"\x1e2024-05-01T09:30:00+02:00\x1fab12 cd34"),
            Token::Commit(Some(c)) if c.at.to_rfc3339() == "2024-05-01T09:30:00+02:00" && c.has_parents
        ));
        assert!(matches!(
            parse_token(b"\x1e2024-05-01T09:30:00Z\x1f"),
            Token::Commit(Some(c)) if !c.has_parents
        ));
        assert!(matches!(
            parse_token(b"\x1enot a date\x1fab12"),
            Token::Commit(None)
        ));
        assert!(matches!(
            parse_token(b"\nsales/a.md"),
            Token::File("sales/a.md")
        ));
        assert!(matches!(
            parse_token("b ü.md".as_bytes()),
            Token::File("b ü.md")
        ));
        assert!(matches!(parse_token(b""), Token::Other));
    }

    #[test]
    fn dates_print_as_day_and_as_rfc3339() {
        let change = LastChange {
            at: DateTime::parse_from_rfc3339("2024-05-01T23:30:00-02:00").unwrap(),
            source: DateSource::Git,
        };
        assert_eq!(change.date(), "2024-05-01");
        assert_eq!(change.rfc3339(), "2024-05-01T23:30:00-02:00");
        // The day as `%Y-%m-%d` writes it, padded years and all.
        for at in [
            "0042-01-02T03:04:05Z",
            "1999-12-31T23:59:59.123456789+14:00",
            "9999-12-31T23:59:59-12:00",
        ] {
            let change = LastChange {
                at: DateTime::parse_from_rfc3339(at).unwrap(),
                source: DateSource::FileTime,
            };
            assert_eq!(change.date(), change.at.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn the_feed_time_is_the_time_of_the_last_modified_date() {
        let change = LastChange {
            at: DateTime::parse_from_rfc3339("2024-05-01T23:30:00-02:00").unwrap(),
            source: DateSource::Git,
        };
        for front in [
            None,
            Some(""),
            Some("2024-05-01"),
            Some("2024-05-02"),
            Some("2024-04-30T10:00:00+01:00"),
            Some("2024-06-01T10:00:00+01:00"),
            Some("2024-06-01 10:00"),
            Some("not a date"),
        ] {
            for change in [None, Some(&change)] {
                // What `last_modified` prints, read back.
                let (day, datetime) = last_modified(front, change);
                let expected = DateTime::parse_from_rfc3339(&datetime).ok().or_else(|| {
                    let date = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?;
                    Some(
                        date.and_time(chrono::NaiveTime::MIN)
                            .and_utc()
                            .fixed_offset(),
                    )
                });
                assert_eq!(
                    last_modified_at(front, change),
                    expected,
                    "{front:?} {change:?}"
                );
            }
        }
    }
}
