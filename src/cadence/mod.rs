//! The operating rhythm: every recurring activity the pages declare in their
//! `cadence` front matter, collected into one model that feeds the cadence
//! index, the calendar, the iCalendar feeds, `cadence.json`, the badges on
//! each page and the `cadence()` template function.
//!
//! Runs after markdown (a `section` must name a heading of its page) and is a
//! map over pages: cheap on pages without `cadence`.

pub mod calendar;
pub mod command;
pub mod ical;
pub mod index;
pub mod locate;
pub mod prose;
pub mod recur;
pub mod review_feed;
pub mod schema;
/// The vocabulary is built with the configuration; the rhythm reads it.
pub use crate::config::vocabulary;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::{NaiveDate, NaiveTime, Weekday};
use rayon::prelude::*;

use crate::config::Config;
use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::site::Site;
use locate::Locator;
use prose::ProseCadence;
use schema::{Entry, PageFacts, SchemaError};
pub use vocabulary::Vocabulary;

/// The `day` of an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Weekday(Weekday),
    /// Day of the month (of the period's first month).
    MonthDay(u32),
    /// Week N of the period, on a weekday (Monday unless given).
    Week {
        week: u32,
        weekday: Weekday,
    },
}

/// One recurring activity of the site.
#[derive(Debug, Clone)]
pub struct Activity {
    /// Index of the page that declares it.
    pub page: usize,
    pub name: String,
    /// Vocabulary indices; the first one with a rule schedules the activity.
    pub every: Vec<usize>,
    pub day: Option<Day>,
    pub time: Option<NaiveTime>,
    pub owner: String,
    pub attendees: Vec<String>,
    pub duration: Option<u32>,
    /// Heading id on the page (empty for whole-page activities).
    pub section: String,
    /// Stable identifier: page path and activity name, made URL-safe.
    pub id: String,
    /// When it happens, if it recurs on a schedule.
    pub plan: Option<recur::Plan>,
}

impl Activity {
    /// The cadence that schedules the activity (the first one with a rule).
    pub fn scheduled_by(&self, vocabulary: &Vocabulary) -> Option<usize> {
        self.every
            .iter()
            .copied()
            .find(|&i| vocabulary.get(i).rule().is_some())
    }
}

/// The operating rhythm of the site.
#[derive(Debug, Default)]
pub struct Rhythm {
    /// The first day of the rhythm's year (`[cadence] start`).
    pub start: Option<NaiveDate>,
    /// Every activity, grouped by page in page order.
    pub activities: Vec<Activity>,
    /// Page index -> its activities' range in `activities`.
    pub by_page: HashMap<usize, Range<usize>>,
    pub diagnostics: Vec<Diagnostic>,
    /// The activities as views, grouped and ordered.
    pub index: index::RhythmIndex,
    /// Who owns each page and when it is next reviewed: reviewing the
    /// handbook is part of its rhythm.
    pub owners: crate::owners::Owners,
}

impl Rhythm {
    pub fn start(&self) -> NaiveDate {
        self.start.unwrap_or_default()
    }

    pub fn of_page(&self, page: usize) -> &[Activity] {
        match self.by_page.get(&page) {
            Some(range) => &self.activities[range.clone()],
            None => &[],
        }
    }
}

/// What one page contributes.
///
/// A function of the page alone (its front matter, text, anchors and
/// title): `serve` keeps each page's and reads again only the pages an edit
/// touched ([`collect_reusing`]).
#[derive(Clone)]
pub struct PageRhythm {
    entries: Vec<Entry>,
    diagnostics: Vec<Diagnostic>,
}

/// Collects the rhythm of every page. `site` gives the pages' titles (the
/// activity name of the `cadence: quarterly` shorthand) and the URLs the
/// index links with.
pub fn collect(
    config: &Config,
    pages: &[Page],
    rendered: &[Rendered],
    site: &Site,
    owners: crate::owners::Owners,
) -> Rhythm {
    let per_page = page_rhythms(config, pages, rendered, site, &|_| None);
    rhythm_of(config, pages, site, per_page, owners)
}

/// Who owns each page (front matter, section index pages, CODEOWNERS):
/// read from the pages alone, so a build has it before their Markdown (the
/// search index takes each page's owners as the page renders).
pub fn owners_of(config: &Config, pages: &[Page]) -> crate::owners::Owners {
    crate::owners::collect(config, pages, slug)
}

/// [`collect`], taking what `kept` has of a page (by its index) instead of
/// reading the page again; returns each page's part too, to keep.
pub fn collect_reusing(
    config: &Config,
    pages: &[Page],
    rendered: &[Rendered],
    site: &Site,
    kept: &(dyn Fn(usize) -> Option<PageRhythm> + Sync),
) -> (Rhythm, Vec<PageRhythm>) {
    let per_page = page_rhythms(config, pages, rendered, site, kept);
    let owners = owners_of(config, pages);
    (
        rhythm_of(config, pages, site, per_page.clone(), owners),
        per_page,
    )
}

/// Each page's part, from `kept` or read from the page.
fn page_rhythms(
    config: &Config,
    pages: &[Page],
    rendered: &[Rendered],
    site: &Site,
    kept: &(dyn Fn(usize) -> Option<PageRhythm> + Sync),
) -> Vec<PageRhythm> {
    pages
        .par_iter()
        .zip(rendered)
        .zip(&site.titles)
        .enumerate()
        .map(|(i, ((page, r), title))| {
            kept(i).unwrap_or_else(|| page_rhythm(config, page, r, title))
        })
        .collect()
}

/// The rhythm made of each page's part.
fn rhythm_of(
    config: &Config,
    pages: &[Page],
    site: &Site,
    per_page: Vec<PageRhythm>,
    owners: crate::owners::Owners,
) -> Rhythm {
    let vocabulary = &config.vocabulary;
    let start = vocabulary::start_date(&config.site.cadence);
    let mut rhythm = Rhythm {
        start: Some(start),
        ..Rhythm::default()
    };
    for (i, page_rhythm) in per_page.into_iter().enumerate() {
        rhythm.diagnostics.extend(page_rhythm.diagnostics);
        if page_rhythm.entries.is_empty() {
            continue;
        }
        let first = rhythm.activities.len();
        let mut seen_ids: HashSet<String> = HashSet::new();
        for entry in page_rhythm.entries {
            let page_slug = match slug(&pages[i].url.path) {
                s if s.is_empty() => "home".to_string(),
                s => s,
            };
            let base = format!("{page_slug}--{}", slug(&entry.name));
            let mut id = base.clone();
            let mut n = 2;
            while !seen_ids.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            let plan = entry.every.iter().find_map(|&c| {
                let def = vocabulary.get(c);
                recur::plan(def.rule()?, entry.day.as_ref(), &def.label).ok()
            });
            rhythm.activities.push(Activity {
                page: i,
                name: entry.name,
                every: entry.every,
                day: entry.day,
                time: entry.time,
                owner: entry.owner,
                attendees: entry.attendees,
                duration: entry.duration,
                section: entry.section.unwrap_or_default(),
                id,
                plan,
            });
        }
        rhythm.by_page.insert(i, first..rhythm.activities.len());
    }
    rhythm.index = index::RhythmIndex::new(config, &rhythm, pages, site);
    let collisions = rhythm.index.owner_collisions.clone();
    for collision in collisions {
        rhythm
            .diagnostics
            .push(owner_collision(&rhythm, pages, &collision));
    }
    rhythm.owners = owners;
    rhythm
        .diagnostics
        .extend(rhythm.owners.diagnostics.iter().cloned());
    rhythm
}

/// Where `owner: NAME` is written on a page (the name's bytes).
fn owner_value_span(text: &str, name: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(at) = text[from..].find("owner") {
        let key = from + at;
        let line_end = text[key..].find('\n').map_or(text.len(), |n| key + n);
        if let Some(n) = text[key..line_end].find(name) {
            return Some(key + n..key + n + name.len());
        }
        from = line_end;
    }
    None
}

/// Two owners whose page and calendar feed would have one name: an error at
/// the second owner, naming where the first is declared.
fn owner_collision(rhythm: &Rhythm, pages: &[Page], c: &index::OwnerCollision) -> Diagnostic {
    let declared = |name: &str| {
        let a = rhythm.activities.iter().find(|a| a.owner == name)?;
        let page = &pages[a.page];
        let span = owner_value_span(&page.text, name);
        Some((page, span))
    };
    let first_at = declared(&c.first)
        .map(|(page, span)| match span {
            Some(span) => {
                let line = crate::diagnostics::LineIndex::new(&page.text).line_of(span.start);
                format!(" (declared at {}:{line})", page.rel_path)
            }
            None => format!(" (declared in {})", page.rel_path),
        })
        .unwrap_or_default();
    let mut d = Diagnostic::error(
        "cadence-owner",
        format!(
            "owners `{}` and `{}`{first_at} would share the page and calendar feed `{}`",
            c.second, c.first, c.slug
        ),
    )
    .with_help("write the owner the same way on every page, or choose names that differ in letters or digits");
    if let Some((page, span)) = declared(&c.second) {
        d = d.in_file(page.rel_path.clone());
        if let Some(span) = span {
            d = d.at(&page.text, span).with_label("owner");
        }
    }
    d
}

fn page_rhythm(config: &Config, page: &Page, rendered: &Rendered, title: &str) -> PageRhythm {
    let vocabulary = &config.vocabulary;
    let mut diagnostics = Vec::new();
    let mut entries = Vec::new();
    if let Some(value) = page.front.extra.get("cadence") {
        let anchors: HashSet<&str> = rendered.anchors.iter().map(String::as_str).collect();
        let heading_ids: Vec<&str> = rendered
            .headings
            .iter()
            .filter_map(|h| h.id.as_deref())
            .collect();
        let facts = PageFacts {
            title,
            anchors: &anchors,
            heading_ids: &heading_ids,
        };
        let (parsed, errors) = schema::parse(value, &facts, vocabulary);
        entries = parsed;
        if !errors.is_empty() {
            let locator = Locator::new(&page.text, &page.split.front);
            diagnostics.extend(
                errors
                    .iter()
                    .map(|e| schema_diagnostic(&page.rel_path, &page.text, &locator, e)),
            );
        }
    }
    let found = prose::scan(
        &page.text,
        page.split.body_start,
        &rendered.headings,
        config.site.markdown.heading_ids,
        vocabulary,
    );
    if !found.is_empty() {
        diagnostics.extend(compare_prose(page, &found, &entries, vocabulary));
    }
    PageRhythm {
        entries,
        diagnostics,
    }
}

/// A schema error as a diagnostic at its place in the front matter.
pub fn schema_diagnostic(
    file: &str,
    text: &str,
    locator: &Locator,
    error: &SchemaError,
) -> Diagnostic {
    let (item, field, needle) = error.anchor();
    let span = locator.point(item, field, needle);
    let mut d = Diagnostic::error("cadence", error.to_string())
        .in_file(file)
        .at(text, span);
    if !error.label().is_empty() {
        d = d.with_label(error.label());
    }
    if let Some(help) = error.help() {
        d = d.with_help(help);
    }
    d
}

/// Warnings where the prose cadences of a page and its front matter disagree.
fn compare_prose(
    page: &Page,
    found: &[ProseCadence],
    entries: &[Entry],
    vocabulary: &Vocabulary,
) -> Vec<Diagnostic> {
    let labels = |every: &[usize]| -> String {
        every
            .iter()
            .map(|&i| vocabulary.get(i).key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if entries.is_empty() {
        let first = &found[0];
        return vec![Diagnostic::warning(
            "cadence-prose",
            format!(
                "this page states {} cadence(s) in prose but has no `cadence` front matter",
                found.len()
            ),
        )
        .in_file(page.rel_path.clone())
        .at(&page.text, first.span.clone())
        .with_label("prose cadence")
        .with_help(format!(
            "run `handbook cadence --suggest {}` and paste its output into the front matter",
            page.rel_path
        ))];
    }
    let whole_page = entries.iter().find(|e| e.whole_page);
    let mut out = Vec::new();
    for prose in found {
        let heading_id = prose.heading.as_ref().map(|(_, id)| id.as_str());
        let matching: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.section.is_some() && e.section.as_deref() == heading_id)
            .collect();
        let declared: Vec<usize> = if matching.is_empty() {
            match whole_page {
                Some(e) => e.every.clone(),
                None => {
                    let under = prose
                        .heading
                        .as_ref()
                        .map_or(String::new(), |(title, _)| format!(" under `{title}`"));
                    out.push(
                        Diagnostic::warning(
                            "cadence-prose",
                            format!(
                                "prose cadence `{}`{under} has no activity in the front matter",
                                prose.value
                            ),
                        )
                        .in_file(page.rel_path.clone())
                        .at(&page.text, prose.span.clone())
                        .with_label("not in the front matter")
                        .with_help(format!(
                            "add an activity with `section: {}` and `every: {}`",
                            heading_id.unwrap_or("<heading id>"),
                            labels(&prose.every)
                        )),
                    );
                    continue;
                }
            }
        } else {
            let mut all = Vec::new();
            for e in &matching {
                for &c in &e.every {
                    if !all.contains(&c) {
                        all.push(c);
                    }
                }
            }
            all
        };
        let mut said = prose.every.clone();
        let mut declared_sorted = declared.clone();
        said.sort_unstable();
        declared_sorted.sort_unstable();
        if said != declared_sorted {
            out.push(
                Diagnostic::warning(
                    "cadence-prose",
                    format!(
                        "the prose says `{}` but the front matter says `{}`",
                        prose.value,
                        labels(&declared)
                    ),
                )
                .in_file(page.rel_path.clone())
                .at(&page.text, prose.span.clone())
                .with_label("prose cadence")
                .with_help(
                    "make them agree: the front matter feeds the cadence index and calendar",
                ),
            );
        }
    }
    out
}

/// Lowercase ASCII letters and digits with single `-`: for ids and URLs.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}
