//! Who owns each page and when it is next reviewed.
//!
//! Owners come from the page's front matter (`owner`, `owners`,
//! `maintainers`, tech-docs' `owner_slack`), else from the front matter of
//! the nearest section index page above it, else from the repository's
//! CODEOWNERS file; each page says which. Reviews come from
//! [`review`]. The model is collected with the operating rhythm (reviews
//! are part of it: the rhythm's `owners`) and read by the
//! page contexts, `/owners/`, the review feeds and `handbook review`.
//!
//! Everything that depends on the day takes it (`today`); the build
//! passes [`crate::config::Config::today`].

pub mod codeowners;
mod front;
pub mod review;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::content::site_urls::generated;
use crate::content::Page;
use crate::diagnostics::Diagnostic;
use codeowners::CodeOwners;
pub use front::FRONT_MATTER_KEYS;
use review::{Interval, Status};

/// Where a page's owners come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// The page's own front matter (`key` names the field).
    FrontMatter { key: &'static str },
    /// The front matter of the index page of a section above it.
    Section { page: usize },
    /// A CODEOWNERS rule (1-based line of the file).
    CodeOwners { line: usize },
    /// The site's default owner (`[review] default_owner`, tech-docs'
    /// `default_owner_slack`).
    Default,
}

/// A page's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageReview {
    pub reviewed: Option<NaiveDate>,
    /// When the next review is due (`None`: reviewed, but no interval).
    pub due: Option<NaiveDate>,
    pub interval: Option<Interval>,
    /// Where the due date stands on [`Owners::today`].
    pub status: Option<Status>,
    /// 1-based line of the front matter field that dates the review.
    pub line: usize,
}

/// One page's owners and review.
#[derive(Debug, Clone, Default)]
pub struct PageOwnership {
    pub owners: Vec<String>,
    pub source: Option<Source>,
    pub review: Option<PageReview>,
}

/// The CODEOWNERS file the site is under.
#[derive(Debug, Clone)]
pub struct CodeOwnersFile {
    /// Shown to people: relative to the site root when inside it.
    pub display_path: String,
    pub text: String,
    pub parsed: CodeOwners,
    /// Rules (indices into `parsed.rules`) that match no page, leaving out
    /// anchored rules that point outside the content folder.
    pub unmatched: Vec<usize>,
}

/// Owners and reviews of every page.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    pub today: NaiveDate,
    /// The window of "due soon" (`[review] due_within`).
    pub due_within: Option<Interval>,
    /// By page index.
    pub pages: Vec<PageOwnership>,
    pub codeowners: Option<CodeOwnersFile>,
    /// Owner name -> slug (the cadence index's rule; anchors and feeds).
    pub slugs: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the generated pages read besides the pages' front matter: the
    /// CODEOWNERS file and every review's status on `today`.
    pub fingerprint: u64,
}

/// What `handbook build` reports of owners and reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub reviews_overdue: usize,
    pub pages_without_owner: usize,
}

/// Collects the owners and reviews of `pages`. `slug` makes an owner's
/// slug from its name (the cadence index's rule, passed in so that both
/// agree).
pub fn collect(config: &Config, pages: &[Page], slug: fn(&str) -> String) -> Owners {
    let today = config.today;
    let settings = &config.review;
    let declared: Vec<front::Declared> = pages
        .par_iter()
        .map(|page| front::read(page, settings))
        .collect();
    let mut diagnostics: Vec<Diagnostic> = declared
        .iter()
        .flat_map(|d| d.diagnostics.iter().cloned())
        .collect();
    // A site whose owners are not inherited (tech-docs) does not read
    // CODEOWNERS: it says who reviews code, not who owns its pages.
    let codeowners = settings
        .inherit_owners
        .then(|| find_codeowners(config))
        .flatten();
    let content_prefix = codeowners
        .as_ref()
        .map(|(base, _, _)| content_prefix(&config.content_dir, base))
        .unwrap_or_default();
    let parsed = codeowners
        .as_ref()
        .map(|(_, _, text)| CodeOwners::parse(text));
    let repo_path = |page: &Page| {
        if content_prefix.is_empty() {
            page.rel_path.clone()
        } else {
            format!("{content_prefix}/{}", page.rel_path)
        }
    };
    let sections = if settings.inherit_owners {
        section_owners(pages, &declared)
    } else {
        vec![None; pages.len()]
    };
    let mut owned: Vec<PageOwnership> = pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let own = &declared[i];
            let (owners, source) = if let Some((key, names)) = &own.owners {
                (names.clone(), Some(Source::FrontMatter { key }))
            } else if let Some(&index) = sections[i].as_ref() {
                let names = declared[index]
                    .owners
                    .as_ref()
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                (names, Some(Source::Section { page: index }))
            } else if let Some(file) = &parsed {
                let found = file.owners_of(&repo_path(page));
                let line = found.rules.last().map(|&r| file.rules[r].line);
                match line {
                    Some(line) if !found.owners.is_empty() => {
                        (found.owners, Some(Source::CodeOwners { line }))
                    }
                    _ => (Vec::new(), None),
                }
            } else {
                (Vec::new(), None)
            };
            let (owners, source) = match (&settings.default_owner, source) {
                (Some(default), None) => (vec![default.clone()], Some(Source::Default)),
                (_, source) => (owners, source),
            };
            PageOwnership {
                owners,
                source,
                review: own.review.clone(),
            }
        })
        .collect();
    for page in &mut owned {
        if let Some(review) = &mut page.review {
            review.status = review
                .due
                .map(|due| Status::on(due, today, settings.due_within));
        }
    }
    let codeowners = match (codeowners, parsed) {
        (Some((base, path, text)), Some(parsed)) => {
            let unmatched = unmatched_rules(&parsed, pages, &content_prefix, &repo_path);
            let display_path = path
                .strip_prefix(&config.root)
                .unwrap_or(path.strip_prefix(&base).unwrap_or(&path))
                .to_string_lossy()
                .replace('\\', "/");
            Some(CodeOwnersFile {
                display_path,
                text,
                parsed,
                unmatched,
            })
        }
        _ => None,
    };
    let slugs = owner_slugs(owned.iter().flat_map(|p| p.owners.iter()), slug);
    let fingerprint = fingerprint(&owned, codeowners.as_ref());
    diagnostics.sort_by(|a, b| a.file.cmp(&b.file));
    Owners {
        today,
        due_within: Some(settings.due_within),
        pages: owned,
        codeowners,
        slugs,
        diagnostics,
        fingerprint,
    }
}

impl Owners {
    /// Page `i`'s ownership (empty for an unknown page).
    pub fn of_page(&self, i: usize) -> &PageOwnership {
        static NONE: PageOwnership = PageOwnership {
            owners: Vec::new(),
            source: None,
            review: None,
        };
        self.pages.get(i).unwrap_or(&NONE)
    }

    /// Reviews overdue on `today`.
    pub fn overdue(&self) -> usize {
        self.count(Status::Overdue)
    }

    pub fn count(&self, status: Status) -> usize {
        self.pages
            .iter()
            .filter(|p| p.review.as_ref().and_then(|r| r.status) == Some(status))
            .count()
    }

    pub fn without_owner(&self) -> usize {
        self.pages.iter().filter(|p| p.owners.is_empty()).count()
    }

    /// The build summary's counts, when the site names owners or reviews.
    pub fn coverage(&self) -> Option<Coverage> {
        let used = self
            .pages
            .iter()
            .any(|p| !p.owners.is_empty() || p.review.is_some());
        used.then(|| Coverage {
            reviews_overdue: self.overdue(),
            pages_without_owner: self.without_owner(),
        })
    }

    /// Whether any page has a review date: the site uses reviews.
    pub fn has_reviews(&self) -> bool {
        self.pages.iter().any(|p| p.review.is_some())
    }

    /// The slug of an owner (its anchor on `/owners/`, its feed's name).
    pub fn slug_of(&self, name: &str) -> &str {
        self.slugs.get(name).map_or("", String::as_str)
    }

    /// Site paths of the pages this makes (`/owners/`).
    pub fn page_paths(&self) -> impl Iterator<Item = String> {
        std::iter::once(generated::OWNERS.to_string())
    }

    /// Site paths of the files this makes (the review feeds).
    pub fn file_paths(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(generated::OWNER_REVIEWS_ICS.to_string())
            .chain(self.slugs.values().map(|s| generated::owner_reviews_ics(s)))
    }
}

/// The nearest section index page above each page that declares owners.
fn section_owners(pages: &[Page], declared: &[front::Declared]) -> Vec<Option<usize>> {
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if page.url.is_index {
            index_of.entry(page.dir()).or_insert(i);
        }
    }
    let mut memo: HashMap<&str, Option<usize>> = HashMap::new();
    fn owning<'a>(
        dir: &'a str,
        index_of: &HashMap<&str, usize>,
        declared: &[front::Declared],
        memo: &mut HashMap<&'a str, Option<usize>>,
    ) -> Option<usize> {
        if let Some(found) = memo.get(dir) {
            return *found;
        }
        let here = index_of
            .get(dir)
            .copied()
            .filter(|&i| declared[i].owners.is_some());
        let found = match here {
            Some(i) => Some(i),
            None if dir.is_empty() => None,
            None => owning(parent(dir), index_of, declared, memo),
        };
        memo.insert(dir, found);
        found
    }
    pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let dir = page.dir();
            let start = if index_of.get(dir) == Some(&i) {
                if dir.is_empty() {
                    return None;
                }
                parent(dir)
            } else {
                dir
            };
            owning(start, &index_of, declared, &mut memo)
        })
        .collect()
}

fn parent(dir: &str) -> &str {
    dir.rfind('/').map_or("", |i| &dir[..i])
}

/// The CODEOWNERS file the site's pages are under, and its text.
pub fn codeowners_file(config: &Config) -> Option<(PathBuf, String)> {
    if !config.review.inherit_owners {
        return None;
    }
    find_codeowners(config).map(|(_, path, text)| (path, text))
}

/// The CODEOWNERS file for the site: `(folder its patterns are relative
/// to, file, text)`. Looked for at the repository root (the nearest folder
/// above the site with a `.git`), then at the site root.
fn find_codeowners(config: &Config) -> Option<(PathBuf, PathBuf, String)> {
    let root = std::fs::canonicalize(&config.root).unwrap_or_else(|_| config.root.clone());
    let repository = root.ancestors().find(|dir| dir.join(".git").exists());
    let bases = repository
        .into_iter()
        .chain(std::iter::once(root.as_path()));
    for base in bases {
        for location in codeowners::LOCATIONS {
            let path = base.join(location);
            if let Ok(text) = std::fs::read_to_string(&path) {
                return Some((base.to_path_buf(), path, text));
            }
        }
    }
    None
}

/// The content folder relative to `base`, `/`-separated (`""` when it is
/// `base` or not below it).
fn content_prefix(content_dir: &Path, base: &Path) -> String {
    let content = std::fs::canonicalize(content_dir).unwrap_or_else(|_| content_dir.to_path_buf());
    content
        .strip_prefix(base)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
        .trim_matches('/')
        .to_string()
}

/// Rules that match no page (in parallel: a rule that matches nothing
/// is tried against every page).
fn unmatched_rules(
    parsed: &CodeOwners,
    pages: &[Page],
    content_prefix: &str,
    repo_path: &(dyn Fn(&Page) -> String + Sync),
) -> Vec<usize> {
    let paths: Vec<String> = pages.iter().map(repo_path).collect();
    let paths: Vec<Vec<&str>> = paths.iter().map(|p| codeowners::segments(p)).collect();
    // Every folder above a page and every page: a rule that is a plain
    // path (`/content/people/`) matches a page when its path is one of
    // them, without trying it on each page.
    let mut prefixes: HashSet<String> = HashSet::new();
    for path in &paths {
        for len in 1..=path.len() {
            prefixes.insert(path[..len].join("/"));
        }
    }
    (0..parsed.rules.len())
        .into_par_iter()
        .filter(|&i| !parsed.rule_outside(i, content_prefix))
        .filter(|&i| match parsed.plain_path(i) {
            Some(path) => !prefixes.contains(&path),
            None => !paths.iter().any(|p| parsed.rule_matches(i, p)),
        })
        .collect()
}

/// Name -> slug: the slug of the name, or for names that slug alike the
/// second and later (in name order) with a hash of the name, and a hash
/// alone for a name with no letter or digit, as the cadence index does.
fn owner_slugs<'a>(
    names: impl Iterator<Item = &'a String>,
    slug: fn(&str) -> String,
) -> BTreeMap<String, String> {
    let mut names: Vec<&String> = names.collect();
    names.sort_unstable();
    names.dedup();
    let mut claimed: HashMap<String, ()> = HashMap::new();
    // The site feed's name is taken.
    claimed.insert("reviews".into(), ());
    let mut out = BTreeMap::new();
    for name in names {
        let mut s = match slug(name) {
            s if s.is_empty() => format!("owner-{:08x}", name_hash(name)),
            s => s,
        };
        if claimed.contains_key(&s) {
            s = format!("{s}-{:08x}", name_hash(name));
        }
        claimed.insert(s.clone(), ());
        out.insert(name.clone(), s);
    }
    out
}

/// FNV-1a folded to 32 bits: the same on every machine.
fn name_hash(name: &str) -> u32 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash ^ (hash >> 32)) as u32
}

fn fingerprint(pages: &[PageOwnership], codeowners: Option<&CodeOwnersFile>) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    if let Some(file) = codeowners {
        hasher.update(file.display_path.as_bytes());
        hasher.update(&[0]);
        hasher.update(file.text.as_bytes());
    }
    for page in pages {
        let status = page.review.as_ref().and_then(|r| r.status);
        hasher.update(&[status.map_or(0, |s| s as u8 + 1)]);
    }
    hasher.digest()
}

#[cfg(test)]
mod tests;
